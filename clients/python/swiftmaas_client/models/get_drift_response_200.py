from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.get_drift_response_200_features_item import GetDriftResponse200FeaturesItem
  from ..models.get_drift_response_200_prediction_type_0 import GetDriftResponse200PredictionType0





T = TypeVar("T", bound="GetDriftResponse200")



@_attrs_define
class GetDriftResponse200:
    """ 
        Attributes:
            endpoint (str):
            model_version (int):
            profiled (bool):
            window_rows (int):
            rows_seen (int):
            psi_threshold (float):
            drifted (list[str]):
            features (list[GetDriftResponse200FeaturesItem]):
            prediction (GetDriftResponse200PredictionType0 | None):
            minimum_rows (int | Unset):
     """

    endpoint: str
    model_version: int
    profiled: bool
    window_rows: int
    rows_seen: int
    psi_threshold: float
    drifted: list[str]
    features: list[GetDriftResponse200FeaturesItem]
    prediction: GetDriftResponse200PredictionType0 | None
    minimum_rows: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.get_drift_response_200_features_item import GetDriftResponse200FeaturesItem # noqa: PLC0415
        from ..models.get_drift_response_200_prediction_type_0 import GetDriftResponse200PredictionType0 # noqa: PLC0415
        endpoint = self.endpoint

        model_version = self.model_version

        profiled = self.profiled

        window_rows = self.window_rows

        rows_seen = self.rows_seen

        psi_threshold = self.psi_threshold

        drifted = self.drifted



        features = []
        for features_item_data in self.features:
            features_item = features_item_data.to_dict()
            features.append(features_item)



        prediction: dict[str, Any] | None
        if isinstance(self.prediction, GetDriftResponse200PredictionType0):
            prediction = self.prediction.to_dict()
        else:
            prediction = self.prediction

        minimum_rows = self.minimum_rows


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "endpoint": endpoint,
            "model_version": model_version,
            "profiled": profiled,
            "window_rows": window_rows,
            "rows_seen": rows_seen,
            "psi_threshold": psi_threshold,
            "drifted": drifted,
            "features": features,
            "prediction": prediction,
        })
        if minimum_rows is not UNSET:
            field_dict["minimum_rows"] = minimum_rows

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.get_drift_response_200_features_item import GetDriftResponse200FeaturesItem # noqa: PLC0415
        from ..models.get_drift_response_200_prediction_type_0 import GetDriftResponse200PredictionType0 # noqa: PLC0415
        d = dict(src_dict)
        endpoint = d.pop("endpoint")

        model_version = d.pop("model_version")

        profiled = d.pop("profiled")

        window_rows = d.pop("window_rows")

        rows_seen = d.pop("rows_seen")

        psi_threshold = d.pop("psi_threshold")

        drifted = cast(list[str], d.pop("drifted"))


        features = []
        _features = d.pop("features")
        for features_item_data in (_features):
            features_item = GetDriftResponse200FeaturesItem.from_dict(features_item_data)



            features.append(features_item)


        def _parse_prediction(data: object) -> GetDriftResponse200PredictionType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                prediction_type_0 = GetDriftResponse200PredictionType0.from_dict(data)



                return prediction_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GetDriftResponse200PredictionType0 | None, data)

        prediction = _parse_prediction(d.pop("prediction"))


        minimum_rows = d.pop("minimum_rows", UNSET)

        get_drift_response_200 = cls(
            endpoint=endpoint,
            model_version=model_version,
            profiled=profiled,
            window_rows=window_rows,
            rows_seen=rows_seen,
            psi_threshold=psi_threshold,
            drifted=drifted,
            features=features,
            prediction=prediction,
            minimum_rows=minimum_rows,
        )


        get_drift_response_200.additional_properties = d
        return get_drift_response_200

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
