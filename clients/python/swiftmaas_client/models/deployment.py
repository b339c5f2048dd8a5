from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.batching import Batching
  from ..models.deployment_canary import DeploymentCanary





T = TypeVar("T", bound="Deployment")



@_attrs_define
class Deployment:
    """ 
        Attributes:
            name (str | Unset):
            model (str | Unset):
            reference (str | Unset):
            version (int | Unset):
            artifact (str | Unset):
            canary (DeploymentCanary | Unset):
            batching (Batching | Unset):
     """

    name: str | Unset = UNSET
    model: str | Unset = UNSET
    reference: str | Unset = UNSET
    version: int | Unset = UNSET
    artifact: str | Unset = UNSET
    canary: DeploymentCanary | Unset = UNSET
    batching: Batching | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.batching import Batching # noqa: PLC0415
        from ..models.deployment_canary import DeploymentCanary # noqa: PLC0415
        name = self.name

        model = self.model

        reference = self.reference

        version = self.version

        artifact = self.artifact

        canary: dict[str, Any] | Unset = UNSET
        if not isinstance(self.canary, Unset):
            canary = self.canary.to_dict()

        batching: dict[str, Any] | Unset = UNSET
        if not isinstance(self.batching, Unset):
            batching = self.batching.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if name is not UNSET:
            field_dict["name"] = name
        if model is not UNSET:
            field_dict["model"] = model
        if reference is not UNSET:
            field_dict["reference"] = reference
        if version is not UNSET:
            field_dict["version"] = version
        if artifact is not UNSET:
            field_dict["artifact"] = artifact
        if canary is not UNSET:
            field_dict["canary"] = canary
        if batching is not UNSET:
            field_dict["batching"] = batching

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batching import Batching # noqa: PLC0415
        from ..models.deployment_canary import DeploymentCanary # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        model = d.pop("model", UNSET)

        reference = d.pop("reference", UNSET)

        version = d.pop("version", UNSET)

        artifact = d.pop("artifact", UNSET)

        _canary = d.pop("canary", UNSET)
        canary: DeploymentCanary | Unset
        if isinstance(_canary,  Unset):
            canary = UNSET
        else:
            canary = DeploymentCanary.from_dict(_canary)




        _batching = d.pop("batching", UNSET)
        batching: Batching | Unset
        if isinstance(_batching,  Unset):
            batching = UNSET
        else:
            batching = Batching.from_dict(_batching)




        deployment = cls(
            name=name,
            model=model,
            reference=reference,
            version=version,
            artifact=artifact,
            canary=canary,
            batching=batching,
        )


        deployment.additional_properties = d
        return deployment

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
