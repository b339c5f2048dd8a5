from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="SetModelCardResponse200")



@_attrs_define
class SetModelCardResponse200:
    """ 
        Attributes:
            intended_use (str | Unset):
            limitations (str | Unset):
     """

    intended_use: str | Unset = UNSET
    limitations: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        intended_use = self.intended_use

        limitations = self.limitations


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if intended_use is not UNSET:
            field_dict["intended_use"] = intended_use
        if limitations is not UNSET:
            field_dict["limitations"] = limitations

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        intended_use = d.pop("intended_use", UNSET)

        limitations = d.pop("limitations", UNSET)

        set_model_card_response_200 = cls(
            intended_use=intended_use,
            limitations=limitations,
        )


        set_model_card_response_200.additional_properties = d
        return set_model_card_response_200

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
