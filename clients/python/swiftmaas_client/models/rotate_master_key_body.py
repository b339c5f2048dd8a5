from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="RotateMasterKeyBody")



@_attrs_define
class RotateMasterKeyBody:
    """ 
        Attributes:
            new_master_key_file (str | Unset): With MAAS_MASTER_KEY: a server-side file holding the new key
     """

    new_master_key_file: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        new_master_key_file = self.new_master_key_file


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if new_master_key_file is not UNSET:
            field_dict["new_master_key_file"] = new_master_key_file

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        new_master_key_file = d.pop("new_master_key_file", UNSET)

        rotate_master_key_body = cls(
            new_master_key_file=new_master_key_file,
        )

        return rotate_master_key_body

