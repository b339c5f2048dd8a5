from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.key_with_secret import KeyWithSecret





T = TypeVar("T", bound="CreateProjectResponse201")



@_attrs_define
class CreateProjectResponse201:
    """ 
        Attributes:
            name (str | Unset):
            admin_key (KeyWithSecret | Unset):
     """

    name: str | Unset = UNSET
    admin_key: KeyWithSecret | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.key_with_secret import KeyWithSecret # noqa: PLC0415
        name = self.name

        admin_key: dict[str, Any] | Unset = UNSET
        if not isinstance(self.admin_key, Unset):
            admin_key = self.admin_key.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if name is not UNSET:
            field_dict["name"] = name
        if admin_key is not UNSET:
            field_dict["admin_key"] = admin_key

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.key_with_secret import KeyWithSecret # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        _admin_key = d.pop("admin_key", UNSET)
        admin_key: KeyWithSecret | Unset
        if isinstance(_admin_key,  Unset):
            admin_key = UNSET
        else:
            admin_key = KeyWithSecret.from_dict(_admin_key)




        create_project_response_201 = cls(
            name=name,
            admin_key=admin_key,
        )


        create_project_response_201.additional_properties = d
        return create_project_response_201

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
