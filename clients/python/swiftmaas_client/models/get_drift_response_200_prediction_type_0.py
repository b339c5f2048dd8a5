from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.get_drift_response_200_prediction_type_0_kind import GetDriftResponse200PredictionType0Kind
from ..models.get_drift_response_200_prediction_type_0_status import GetDriftResponse200PredictionType0Status
from typing import cast

if TYPE_CHECKING:
  from ..models.get_drift_response_200_prediction_type_0_ks_type_0 import GetDriftResponse200PredictionType0KsType0
  from ..models.get_drift_response_200_prediction_type_0_missing_share import GetDriftResponse200PredictionType0MissingShare





T = TypeVar("T", bound="GetDriftResponse200PredictionType0")



@_attrs_define
class GetDriftResponse200PredictionType0:
    """ 
        Attributes:
            name (str):
            kind (GetDriftResponse200PredictionType0Kind):
            status (GetDriftResponse200PredictionType0Status):
            live_rows (int):
            psi (float | None):
            jensen_shannon (float | None):
            ks (GetDriftResponse200PredictionType0KsType0 | None):
            missing_share (GetDriftResponse200PredictionType0MissingShare):
     """

    name: str
    kind: GetDriftResponse200PredictionType0Kind
    status: GetDriftResponse200PredictionType0Status
    live_rows: int
    psi: float | None
    jensen_shannon: float | None
    ks: GetDriftResponse200PredictionType0KsType0 | None
    missing_share: GetDriftResponse200PredictionType0MissingShare
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.get_drift_response_200_prediction_type_0_ks_type_0 import GetDriftResponse200PredictionType0KsType0 # noqa: PLC0415
        from ..models.get_drift_response_200_prediction_type_0_missing_share import GetDriftResponse200PredictionType0MissingShare # noqa: PLC0415
        name = self.name

        kind = self.kind.value

        status = self.status.value

        live_rows = self.live_rows

        psi: float | None
        psi = self.psi

        jensen_shannon: float | None
        jensen_shannon = self.jensen_shannon

        ks: dict[str, Any] | None
        if isinstance(self.ks, GetDriftResponse200PredictionType0KsType0):
            ks = self.ks.to_dict()
        else:
            ks = self.ks

        missing_share = self.missing_share.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "kind": kind,
            "status": status,
            "live_rows": live_rows,
            "psi": psi,
            "jensen_shannon": jensen_shannon,
            "ks": ks,
            "missing_share": missing_share,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.get_drift_response_200_prediction_type_0_ks_type_0 import GetDriftResponse200PredictionType0KsType0 # noqa: PLC0415
        from ..models.get_drift_response_200_prediction_type_0_missing_share import GetDriftResponse200PredictionType0MissingShare # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        kind = GetDriftResponse200PredictionType0Kind(d.pop("kind"))




        status = GetDriftResponse200PredictionType0Status(d.pop("status"))




        live_rows = d.pop("live_rows")

        def _parse_psi(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        psi = _parse_psi(d.pop("psi"))


        def _parse_jensen_shannon(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        jensen_shannon = _parse_jensen_shannon(d.pop("jensen_shannon"))


        def _parse_ks(data: object) -> GetDriftResponse200PredictionType0KsType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                ks_type_0 = GetDriftResponse200PredictionType0KsType0.from_dict(data)



                return ks_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GetDriftResponse200PredictionType0KsType0 | None, data)

        ks = _parse_ks(d.pop("ks"))


        missing_share = GetDriftResponse200PredictionType0MissingShare.from_dict(d.pop("missing_share"))




        get_drift_response_200_prediction_type_0 = cls(
            name=name,
            kind=kind,
            status=status,
            live_rows=live_rows,
            psi=psi,
            jensen_shannon=jensen_shannon,
            ks=ks,
            missing_share=missing_share,
        )


        get_drift_response_200_prediction_type_0.additional_properties = d
        return get_drift_response_200_prediction_type_0

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
