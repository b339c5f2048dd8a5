from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.get_model_card_response_200_fairness_item import GetModelCardResponse200FairnessItem
  from ..models.get_model_card_response_200_metrics import GetModelCardResponse200Metrics





T = TypeVar("T", bound="GetModelCardResponse200")



@_attrs_define
class GetModelCardResponse200:
    """ 
        Attributes:
            model (str):
            version (int):
            kind (str):
            metrics (GetModelCardResponse200Metrics):
            fairness (list[GetModelCardResponse200FairnessItem]):
     """

    model: str
    version: int
    kind: str
    metrics: GetModelCardResponse200Metrics
    fairness: list[GetModelCardResponse200FairnessItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.get_model_card_response_200_fairness_item import GetModelCardResponse200FairnessItem # noqa: PLC0415
        from ..models.get_model_card_response_200_metrics import GetModelCardResponse200Metrics # noqa: PLC0415
        model = self.model

        version = self.version

        kind = self.kind

        metrics = self.metrics.to_dict()

        fairness = []
        for fairness_item_data in self.fairness:
            fairness_item = fairness_item_data.to_dict()
            fairness.append(fairness_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "model": model,
            "version": version,
            "kind": kind,
            "metrics": metrics,
            "fairness": fairness,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.get_model_card_response_200_fairness_item import GetModelCardResponse200FairnessItem # noqa: PLC0415
        from ..models.get_model_card_response_200_metrics import GetModelCardResponse200Metrics # noqa: PLC0415
        d = dict(src_dict)
        model = d.pop("model")

        version = d.pop("version")

        kind = d.pop("kind")

        metrics = GetModelCardResponse200Metrics.from_dict(d.pop("metrics"))




        fairness = []
        _fairness = d.pop("fairness")
        for fairness_item_data in (_fairness):
            fairness_item = GetModelCardResponse200FairnessItem.from_dict(fairness_item_data)



            fairness.append(fairness_item)


        get_model_card_response_200 = cls(
            model=model,
            version=version,
            kind=kind,
            metrics=metrics,
            fairness=fairness,
        )


        get_model_card_response_200.additional_properties = d
        return get_model_card_response_200

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
