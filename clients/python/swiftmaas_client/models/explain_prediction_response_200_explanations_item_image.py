from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ExplainPredictionResponse200ExplanationsItemImage")



@_attrs_define
class ExplainPredictionResponse200ExplanationsItemImage:
    """ 
        Attributes:
            shape (list[int] | Unset):
            attributions (list[float] | Unset):
            heatmap_png (str | Unset):
     """

    shape: list[int] | Unset = UNSET
    attributions: list[float] | Unset = UNSET
    heatmap_png: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        shape: list[int] | Unset = UNSET
        if not isinstance(self.shape, Unset):
            shape = self.shape



        attributions: list[float] | Unset = UNSET
        if not isinstance(self.attributions, Unset):
            attributions = self.attributions



        heatmap_png = self.heatmap_png


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if shape is not UNSET:
            field_dict["shape"] = shape
        if attributions is not UNSET:
            field_dict["attributions"] = attributions
        if heatmap_png is not UNSET:
            field_dict["heatmap_png"] = heatmap_png

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        shape = cast(list[int], d.pop("shape", UNSET))


        attributions = cast(list[float], d.pop("attributions", UNSET))


        heatmap_png = d.pop("heatmap_png", UNSET)

        explain_prediction_response_200_explanations_item_image = cls(
            shape=shape,
            attributions=attributions,
            heatmap_png=heatmap_png,
        )


        explain_prediction_response_200_explanations_item_image.additional_properties = d
        return explain_prediction_response_200_explanations_item_image

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
