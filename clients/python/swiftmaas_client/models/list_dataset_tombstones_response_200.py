from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.tombstone import Tombstone





T = TypeVar("T", bound="ListDatasetTombstonesResponse200")



@_attrs_define
class ListDatasetTombstonesResponse200:
    """ 
        Attributes:
            tombstones (list[Tombstone] | Unset):
     """

    tombstones: list[Tombstone] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.tombstone import Tombstone # noqa: PLC0415
        tombstones: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tombstones, Unset):
            tombstones = []
            for tombstones_item_data in self.tombstones:
                tombstones_item = tombstones_item_data.to_dict()
                tombstones.append(tombstones_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if tombstones is not UNSET:
            field_dict["tombstones"] = tombstones

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tombstone import Tombstone # noqa: PLC0415
        d = dict(src_dict)
        _tombstones = d.pop("tombstones", UNSET)
        tombstones: list[Tombstone] | Unset = UNSET
        if _tombstones is not UNSET:
            tombstones = []
            for tombstones_item_data in _tombstones:
                tombstones_item = Tombstone.from_dict(tombstones_item_data)



                tombstones.append(tombstones_item)


        list_dataset_tombstones_response_200 = cls(
            tombstones=tombstones,
        )


        list_dataset_tombstones_response_200.additional_properties = d
        return list_dataset_tombstones_response_200

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
