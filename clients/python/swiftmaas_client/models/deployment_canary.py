from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="DeploymentCanary")



@_attrs_define
class DeploymentCanary:
    """ 
        Attributes:
            reference (str | Unset):
            percent (float | Unset):
            version (int | Unset):
     """

    reference: str | Unset = UNSET
    percent: float | Unset = UNSET
    version: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        reference = self.reference

        percent = self.percent

        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if reference is not UNSET:
            field_dict["reference"] = reference
        if percent is not UNSET:
            field_dict["percent"] = percent
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        reference = d.pop("reference", UNSET)

        percent = d.pop("percent", UNSET)

        version = d.pop("version", UNSET)

        deployment_canary = cls(
            reference=reference,
            percent=percent,
            version=version,
        )


        deployment_canary.additional_properties = d
        return deployment_canary

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
