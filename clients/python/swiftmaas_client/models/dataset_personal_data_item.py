from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.dataset_personal_data_item_found import DatasetPersonalDataItemFound





T = TypeVar("T", bound="DatasetPersonalDataItem")



@_attrs_define
class DatasetPersonalDataItem:
    """ 
        Attributes:
            column (str | Unset):
            scanned (int | Unset):
            found (DatasetPersonalDataItemFound | Unset):
     """

    column: str | Unset = UNSET
    scanned: int | Unset = UNSET
    found: DatasetPersonalDataItemFound | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.dataset_personal_data_item_found import DatasetPersonalDataItemFound # noqa: PLC0415
        column = self.column

        scanned = self.scanned

        found: dict[str, Any] | Unset = UNSET
        if not isinstance(self.found, Unset):
            found = self.found.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if column is not UNSET:
            field_dict["column"] = column
        if scanned is not UNSET:
            field_dict["scanned"] = scanned
        if found is not UNSET:
            field_dict["found"] = found

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dataset_personal_data_item_found import DatasetPersonalDataItemFound # noqa: PLC0415
        d = dict(src_dict)
        column = d.pop("column", UNSET)

        scanned = d.pop("scanned", UNSET)

        _found = d.pop("found", UNSET)
        found: DatasetPersonalDataItemFound | Unset
        if isinstance(_found,  Unset):
            found = UNSET
        else:
            found = DatasetPersonalDataItemFound.from_dict(_found)




        dataset_personal_data_item = cls(
            column=column,
            scanned=scanned,
            found=found,
        )


        dataset_personal_data_item.additional_properties = d
        return dataset_personal_data_item

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
