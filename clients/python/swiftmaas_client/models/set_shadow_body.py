from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="SetShadowBody")



@_attrs_define
class SetShadowBody:
    """ 
        Attributes:
            model (str): name@version or name@alias of the endpoint's model
            share (float | Unset):
     """

    model: str
    share: float | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        model = self.model

        share = self.share


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "model": model,
        })
        if share is not UNSET:
            field_dict["share"] = share

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        model = d.pop("model")

        share = d.pop("share", UNSET)

        set_shadow_body = cls(
            model=model,
            share=share,
        )

        return set_shadow_body

