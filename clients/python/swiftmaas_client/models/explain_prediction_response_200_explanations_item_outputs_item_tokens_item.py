from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="ExplainPredictionResponse200ExplanationsItemOutputsItemTokensItem")



@_attrs_define
class ExplainPredictionResponse200ExplanationsItemOutputsItemTokensItem:
    """ 
        Attributes:
            column (str | Unset):
            token (str | Unset):
            value (float | Unset):
     """

    column: str | Unset = UNSET
    token: str | Unset = UNSET
    value: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        column = self.column

        token = self.token

        value = self.value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if column is not UNSET:
            field_dict["column"] = column
        if token is not UNSET:
            field_dict["token"] = token
        if value is not UNSET:
            field_dict["value"] = value

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        column = d.pop("column", UNSET)

        token = d.pop("token", UNSET)

        value = d.pop("value", UNSET)

        explain_prediction_response_200_explanations_item_outputs_item_tokens_item = cls(
            column=column,
            token=token,
            value=value,
        )


        explain_prediction_response_200_explanations_item_outputs_item_tokens_item.additional_properties = d
        return explain_prediction_response_200_explanations_item_outputs_item_tokens_item

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
