from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.model_aliases import ModelAliases
  from ..models.model_version import ModelVersion





T = TypeVar("T", bound="Model")



@_attrs_define
class Model:
    """ 
        Attributes:
            name (str | Unset):
            versions (list[ModelVersion] | Unset):
            aliases (ModelAliases | Unset):
     """

    name: str | Unset = UNSET
    versions: list[ModelVersion] | Unset = UNSET
    aliases: ModelAliases | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.model_aliases import ModelAliases # noqa: PLC0415
        from ..models.model_version import ModelVersion # noqa: PLC0415
        name = self.name

        versions: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.versions, Unset):
            versions = []
            for versions_item_data in self.versions:
                versions_item = versions_item_data.to_dict()
                versions.append(versions_item)



        aliases: dict[str, Any] | Unset = UNSET
        if not isinstance(self.aliases, Unset):
            aliases = self.aliases.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if name is not UNSET:
            field_dict["name"] = name
        if versions is not UNSET:
            field_dict["versions"] = versions
        if aliases is not UNSET:
            field_dict["aliases"] = aliases

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_aliases import ModelAliases # noqa: PLC0415
        from ..models.model_version import ModelVersion # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        _versions = d.pop("versions", UNSET)
        versions: list[ModelVersion] | Unset = UNSET
        if _versions is not UNSET:
            versions = []
            for versions_item_data in _versions:
                versions_item = ModelVersion.from_dict(versions_item_data)



                versions.append(versions_item)


        _aliases = d.pop("aliases", UNSET)
        aliases: ModelAliases | Unset
        if isinstance(_aliases,  Unset):
            aliases = UNSET
        else:
            aliases = ModelAliases.from_dict(_aliases)




        model = cls(
            name=name,
            versions=versions,
            aliases=aliases,
        )


        model.additional_properties = d
        return model

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
