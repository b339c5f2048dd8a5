from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="RotateMasterKeyResponse200")



@_attrs_define
class RotateMasterKeyResponse200:
    """ 
        Attributes:
            master_key_id (str | Unset):
            rewrapped_data_keys (int | Unset):
     """

    master_key_id: str | Unset = UNSET
    rewrapped_data_keys: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        master_key_id = self.master_key_id

        rewrapped_data_keys = self.rewrapped_data_keys


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if master_key_id is not UNSET:
            field_dict["master_key_id"] = master_key_id
        if rewrapped_data_keys is not UNSET:
            field_dict["rewrapped_data_keys"] = rewrapped_data_keys

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        master_key_id = d.pop("master_key_id", UNSET)

        rewrapped_data_keys = d.pop("rewrapped_data_keys", UNSET)

        rotate_master_key_response_200 = cls(
            master_key_id=master_key_id,
            rewrapped_data_keys=rewrapped_data_keys,
        )


        rotate_master_key_response_200.additional_properties = d
        return rotate_master_key_response_200

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
