from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="Tombstone")



@_attrs_define
class Tombstone:
    """ 
        Attributes:
            name (str | Unset):
            version (int | Unset):
            format_ (str | Unset):
            sha256 (str | Unset):
            rows (int | Unset):
            erased_by (str | Unset): Key id
            erased_at (datetime.datetime | Unset):
            reason (str | Unset):
            rows_erased (int | Unset):
     """

    name: str | Unset = UNSET
    version: int | Unset = UNSET
    format_: str | Unset = UNSET
    sha256: str | Unset = UNSET
    rows: int | Unset = UNSET
    erased_by: str | Unset = UNSET
    erased_at: datetime.datetime | Unset = UNSET
    reason: str | Unset = UNSET
    rows_erased: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        version = self.version

        format_ = self.format_

        sha256 = self.sha256

        rows = self.rows

        erased_by = self.erased_by

        erased_at: str | Unset = UNSET
        if not isinstance(self.erased_at, Unset):
            erased_at = self.erased_at.isoformat()

        reason = self.reason

        rows_erased = self.rows_erased


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if name is not UNSET:
            field_dict["name"] = name
        if version is not UNSET:
            field_dict["version"] = version
        if format_ is not UNSET:
            field_dict["format"] = format_
        if sha256 is not UNSET:
            field_dict["sha256"] = sha256
        if rows is not UNSET:
            field_dict["rows"] = rows
        if erased_by is not UNSET:
            field_dict["erased_by"] = erased_by
        if erased_at is not UNSET:
            field_dict["erased_at"] = erased_at
        if reason is not UNSET:
            field_dict["reason"] = reason
        if rows_erased is not UNSET:
            field_dict["rows_erased"] = rows_erased

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        version = d.pop("version", UNSET)

        format_ = d.pop("format", UNSET)

        sha256 = d.pop("sha256", UNSET)

        rows = d.pop("rows", UNSET)

        erased_by = d.pop("erased_by", UNSET)

        _erased_at = d.pop("erased_at", UNSET)
        erased_at: datetime.datetime | Unset
        if isinstance(_erased_at,  Unset):
            erased_at = UNSET
        else:
            erased_at = datetime.datetime.fromisoformat(_erased_at)




        reason = d.pop("reason", UNSET)

        rows_erased = d.pop("rows_erased", UNSET)

        tombstone = cls(
            name=name,
            version=version,
            format_=format_,
            sha256=sha256,
            rows=rows,
            erased_by=erased_by,
            erased_at=erased_at,
            reason=reason,
            rows_erased=rows_erased,
        )


        tombstone.additional_properties = d
        return tombstone

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
