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
  from ..models.version_ref import VersionRef





T = TypeVar("T", bound="DatasetErasure")



@_attrs_define
class DatasetErasure:
    """ 
        Attributes:
            tombstone (Tombstone | Unset):
            derived_versions (list[VersionRef] | Unset):
            erased_versions (list[VersionRef] | Unset):
            undeployed (list[str] | Unset):
            cancelled_jobs (list[str] | Unset):
            erased_outputs (list[str] | Unset):
     """

    tombstone: Tombstone | Unset = UNSET
    derived_versions: list[VersionRef] | Unset = UNSET
    erased_versions: list[VersionRef] | Unset = UNSET
    undeployed: list[str] | Unset = UNSET
    cancelled_jobs: list[str] | Unset = UNSET
    erased_outputs: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.tombstone import Tombstone # noqa: PLC0415
        from ..models.version_ref import VersionRef # noqa: PLC0415
        tombstone: dict[str, Any] | Unset = UNSET
        if not isinstance(self.tombstone, Unset):
            tombstone = self.tombstone.to_dict()

        derived_versions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.derived_versions, Unset):
            derived_versions = []
            for derived_versions_item_data in self.derived_versions:
                derived_versions_item = derived_versions_item_data.to_dict()
                derived_versions.append(derived_versions_item)



        erased_versions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.erased_versions, Unset):
            erased_versions = []
            for erased_versions_item_data in self.erased_versions:
                erased_versions_item = erased_versions_item_data.to_dict()
                erased_versions.append(erased_versions_item)



        undeployed: list[str] | Unset = UNSET
        if not isinstance(self.undeployed, Unset):
            undeployed = self.undeployed



        cancelled_jobs: list[str] | Unset = UNSET
        if not isinstance(self.cancelled_jobs, Unset):
            cancelled_jobs = self.cancelled_jobs



        erased_outputs: list[str] | Unset = UNSET
        if not isinstance(self.erased_outputs, Unset):
            erased_outputs = self.erased_outputs




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if tombstone is not UNSET:
            field_dict["tombstone"] = tombstone
        if derived_versions is not UNSET:
            field_dict["derived_versions"] = derived_versions
        if erased_versions is not UNSET:
            field_dict["erased_versions"] = erased_versions
        if undeployed is not UNSET:
            field_dict["undeployed"] = undeployed
        if cancelled_jobs is not UNSET:
            field_dict["cancelled_jobs"] = cancelled_jobs
        if erased_outputs is not UNSET:
            field_dict["erased_outputs"] = erased_outputs

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tombstone import Tombstone # noqa: PLC0415
        from ..models.version_ref import VersionRef # noqa: PLC0415
        d = dict(src_dict)
        _tombstone = d.pop("tombstone", UNSET)
        tombstone: Tombstone | Unset
        if isinstance(_tombstone,  Unset):
            tombstone = UNSET
        else:
            tombstone = Tombstone.from_dict(_tombstone)




        _derived_versions = d.pop("derived_versions", UNSET)
        derived_versions: list[VersionRef] | Unset = UNSET
        if _derived_versions is not UNSET:
            derived_versions = []
            for derived_versions_item_data in _derived_versions:
                derived_versions_item = VersionRef.from_dict(derived_versions_item_data)



                derived_versions.append(derived_versions_item)


        _erased_versions = d.pop("erased_versions", UNSET)
        erased_versions: list[VersionRef] | Unset = UNSET
        if _erased_versions is not UNSET:
            erased_versions = []
            for erased_versions_item_data in _erased_versions:
                erased_versions_item = VersionRef.from_dict(erased_versions_item_data)



                erased_versions.append(erased_versions_item)


        undeployed = cast(list[str], d.pop("undeployed", UNSET))


        cancelled_jobs = cast(list[str], d.pop("cancelled_jobs", UNSET))


        erased_outputs = cast(list[str], d.pop("erased_outputs", UNSET))


        dataset_erasure = cls(
            tombstone=tombstone,
            derived_versions=derived_versions,
            erased_versions=erased_versions,
            undeployed=undeployed,
            cancelled_jobs=cancelled_jobs,
            erased_outputs=erased_outputs,
        )


        dataset_erasure.additional_properties = d
        return dataset_erasure

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
