from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="SimilarItemsBody")



@_attrs_define
class SimilarItemsBody:
    """ 
        Attributes:
            item (str):
            k (int | Unset):
     """

    item: str
    k: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        item = self.item

        k = self.k


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "item": item,
        })
        if k is not UNSET:
            field_dict["k"] = k

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        item = d.pop("item")

        k = d.pop("k", UNSET)

        similar_items_body = cls(
            item=item,
            k=k,
        )

        return similar_items_body

