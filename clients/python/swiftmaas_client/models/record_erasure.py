from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.dataset import Dataset
  from ..models.tombstone import Tombstone
  from ..models.version_ref import VersionRef





T = TypeVar("T", bound="RecordErasure")



@_attrs_define
class RecordErasure:
    """ 
        Attributes:
            dataset (Dataset | Unset):
            rows_erased (int | Unset):
            tombstone (Tombstone | Unset):
            trained_on_erased_data (list[VersionRef] | Unset):
            erased_outputs (list[str] | Unset):
     """

    dataset: Dataset | Unset = UNSET
    rows_erased: int | Unset = UNSET
    tombstone: Tombstone | Unset = UNSET
    trained_on_erased_data: list[VersionRef] | Unset = UNSET
    erased_outputs: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.dataset import Dataset # noqa: PLC0415
        from ..models.tombstone import Tombstone # noqa: PLC0415
        from ..models.version_ref import VersionRef # noqa: PLC0415
        dataset: dict[str, Any] | Unset = UNSET
        if not isinstance(self.dataset, Unset):
            dataset = self.dataset.to_dict()

        rows_erased = self.rows_erased

        tombstone: dict[str, Any] | Unset = UNSET
        if not isinstance(self.tombstone, Unset):
            tombstone = self.tombstone.to_dict()

        trained_on_erased_data: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.trained_on_erased_data, Unset):
            trained_on_erased_data = []
            for trained_on_erased_data_item_data in self.trained_on_erased_data:
                trained_on_erased_data_item = trained_on_erased_data_item_data.to_dict()
                trained_on_erased_data.append(trained_on_erased_data_item)



        erased_outputs: list[str] | Unset = UNSET
        if not isinstance(self.erased_outputs, Unset):
            erased_outputs = self.erased_outputs




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if dataset is not UNSET:
            field_dict["dataset"] = dataset
        if rows_erased is not UNSET:
            field_dict["rows_erased"] = rows_erased
        if tombstone is not UNSET:
            field_dict["tombstone"] = tombstone
        if trained_on_erased_data is not UNSET:
            field_dict["trained_on_erased_data"] = trained_on_erased_data
        if erased_outputs is not UNSET:
            field_dict["erased_outputs"] = erased_outputs

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dataset import Dataset # noqa: PLC0415
        from ..models.tombstone import Tombstone # noqa: PLC0415
        from ..models.version_ref import VersionRef # noqa: PLC0415
        d = dict(src_dict)
        _dataset = d.pop("dataset", UNSET)
        dataset: Dataset | Unset
        if isinstance(_dataset,  Unset):
            dataset = UNSET
        else:
            dataset = Dataset.from_dict(_dataset)




        rows_erased = d.pop("rows_erased", UNSET)

        _tombstone = d.pop("tombstone", UNSET)
        tombstone: Tombstone | Unset
        if isinstance(_tombstone,  Unset):
            tombstone = UNSET
        else:
            tombstone = Tombstone.from_dict(_tombstone)




        _trained_on_erased_data = d.pop("trained_on_erased_data", UNSET)
        trained_on_erased_data: list[VersionRef] | Unset = UNSET
        if _trained_on_erased_data is not UNSET:
            trained_on_erased_data = []
            for trained_on_erased_data_item_data in _trained_on_erased_data:
                trained_on_erased_data_item = VersionRef.from_dict(trained_on_erased_data_item_data)



                trained_on_erased_data.append(trained_on_erased_data_item)


        erased_outputs = cast(list[str], d.pop("erased_outputs", UNSET))


        record_erasure = cls(
            dataset=dataset,
            rows_erased=rows_erased,
            tombstone=tombstone,
            trained_on_erased_data=trained_on_erased_data,
            erased_outputs=erased_outputs,
        )


        record_erasure.additional_properties = d
        return record_erasure

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
