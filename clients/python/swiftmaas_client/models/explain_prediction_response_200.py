from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.explain_prediction_response_200_units import ExplainPredictionResponse200Units
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.explain_prediction_response_200_explanations_item import ExplainPredictionResponse200ExplanationsItem





T = TypeVar("T", bound="ExplainPredictionResponse200")



@_attrs_define
class ExplainPredictionResponse200:
    """ 
        Attributes:
            endpoint (str):
            model_version (int):
            method (str):
            units (ExplainPredictionResponse200Units):
            explanations (list[ExplainPredictionResponse200ExplanationsItem]):
            samples (int | Unset):
            steps (int | Unset):
     """

    endpoint: str
    model_version: int
    method: str
    units: ExplainPredictionResponse200Units
    explanations: list[ExplainPredictionResponse200ExplanationsItem]
    samples: int | Unset = UNSET
    steps: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.explain_prediction_response_200_explanations_item import ExplainPredictionResponse200ExplanationsItem # noqa: PLC0415
        endpoint = self.endpoint

        model_version = self.model_version

        method = self.method

        units = self.units.value

        explanations = []
        for explanations_item_data in self.explanations:
            explanations_item = explanations_item_data.to_dict()
            explanations.append(explanations_item)



        samples = self.samples

        steps = self.steps


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "endpoint": endpoint,
            "model_version": model_version,
            "method": method,
            "units": units,
            "explanations": explanations,
        })
        if samples is not UNSET:
            field_dict["samples"] = samples
        if steps is not UNSET:
            field_dict["steps"] = steps

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.explain_prediction_response_200_explanations_item import ExplainPredictionResponse200ExplanationsItem # noqa: PLC0415
        d = dict(src_dict)
        endpoint = d.pop("endpoint")

        model_version = d.pop("model_version")

        method = d.pop("method")

        units = ExplainPredictionResponse200Units(d.pop("units"))




        explanations = []
        _explanations = d.pop("explanations")
        for explanations_item_data in (_explanations):
            explanations_item = ExplainPredictionResponse200ExplanationsItem.from_dict(explanations_item_data)



            explanations.append(explanations_item)


        samples = d.pop("samples", UNSET)

        steps = d.pop("steps", UNSET)

        explain_prediction_response_200 = cls(
            endpoint=endpoint,
            model_version=model_version,
            method=method,
            units=units,
            explanations=explanations,
            samples=samples,
            steps=steps,
        )


        explain_prediction_response_200.additional_properties = d
        return explain_prediction_response_200

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
