from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.get_shadow_response_200_latency_ms import GetShadowResponse200LatencyMs





T = TypeVar("T", bound="GetShadowResponse200")



@_attrs_define
class GetShadowResponse200:
    """ 
        Attributes:
            endpoint (str):
            shadow_version (int):
            share (float):
            mirrored (int):
            failed (int):
            agreement_rate (float | None):
            mean_prediction_difference (float | None):
            latency_ms (GetShadowResponse200LatencyMs):
     """

    endpoint: str
    shadow_version: int
    share: float
    mirrored: int
    failed: int
    agreement_rate: float | None
    mean_prediction_difference: float | None
    latency_ms: GetShadowResponse200LatencyMs
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.get_shadow_response_200_latency_ms import GetShadowResponse200LatencyMs # noqa: PLC0415
        endpoint = self.endpoint

        shadow_version = self.shadow_version

        share = self.share

        mirrored = self.mirrored

        failed = self.failed

        agreement_rate: float | None
        agreement_rate = self.agreement_rate

        mean_prediction_difference: float | None
        mean_prediction_difference = self.mean_prediction_difference

        latency_ms = self.latency_ms.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "endpoint": endpoint,
            "shadow_version": shadow_version,
            "share": share,
            "mirrored": mirrored,
            "failed": failed,
            "agreement_rate": agreement_rate,
            "mean_prediction_difference": mean_prediction_difference,
            "latency_ms": latency_ms,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.get_shadow_response_200_latency_ms import GetShadowResponse200LatencyMs # noqa: PLC0415
        d = dict(src_dict)
        endpoint = d.pop("endpoint")

        shadow_version = d.pop("shadow_version")

        share = d.pop("share")

        mirrored = d.pop("mirrored")

        failed = d.pop("failed")

        def _parse_agreement_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        agreement_rate = _parse_agreement_rate(d.pop("agreement_rate"))


        def _parse_mean_prediction_difference(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        mean_prediction_difference = _parse_mean_prediction_difference(d.pop("mean_prediction_difference"))


        latency_ms = GetShadowResponse200LatencyMs.from_dict(d.pop("latency_ms"))




        get_shadow_response_200 = cls(
            endpoint=endpoint,
            shadow_version=shadow_version,
            share=share,
            mirrored=mirrored,
            failed=failed,
            agreement_rate=agreement_rate,
            mean_prediction_difference=mean_prediction_difference,
            latency_ms=latency_ms,
        )


        get_shadow_response_200.additional_properties = d
        return get_shadow_response_200

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
