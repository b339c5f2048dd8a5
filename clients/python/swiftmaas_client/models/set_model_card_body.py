from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="SetModelCardBody")



@_attrs_define
class SetModelCardBody:
    """ 
        Attributes:
            intended_use (str):
            limitations (str | Unset):
     """

    intended_use: str
    limitations: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        intended_use = self.intended_use

        limitations = self.limitations


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "intended_use": intended_use,
        })
        if limitations is not UNSET:
            field_dict["limitations"] = limitations

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        intended_use = d.pop("intended_use")

        limitations = d.pop("limitations", UNSET)

        set_model_card_body = cls(
            intended_use=intended_use,
            limitations=limitations,
        )

        return set_model_card_body

