from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="VerifyAuditLogResponse200")



@_attrs_define
class VerifyAuditLogResponse200:
    """ 
        Attributes:
            entries (int | Unset):
            intact (bool | Unset):
            problems (list[str] | Unset):
     """

    entries: int | Unset = UNSET
    intact: bool | Unset = UNSET
    problems: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        entries = self.entries

        intact = self.intact

        problems: list[str] | Unset = UNSET
        if not isinstance(self.problems, Unset):
            problems = self.problems




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if entries is not UNSET:
            field_dict["entries"] = entries
        if intact is not UNSET:
            field_dict["intact"] = intact
        if problems is not UNSET:
            field_dict["problems"] = problems

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        entries = d.pop("entries", UNSET)

        intact = d.pop("intact", UNSET)

        problems = cast(list[str], d.pop("problems", UNSET))


        verify_audit_log_response_200 = cls(
            entries=entries,
            intact=intact,
            problems=problems,
        )


        verify_audit_log_response_200.additional_properties = d
        return verify_audit_log_response_200

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
