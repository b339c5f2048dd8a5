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
  from ..models.deploy_body_canary import DeployBodyCanary





T = TypeVar("T", bound="DeployBody")



@_attrs_define
class DeployBody:
    """ 
        Attributes:
            name (str):
            model (str):
            canary (DeployBodyCanary | Unset):
            batching (Batching | Unset):
     """

    name: str
    model: str
    canary: DeployBodyCanary | Unset = UNSET
    batching: Batching | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.batching import Batching # noqa: PLC0415
        from ..models.deploy_body_canary import DeployBodyCanary # noqa: PLC0415
        name = self.name

        model = self.model

        canary: dict[str, Any] | Unset = UNSET
        if not isinstance(self.canary, Unset):
            canary = self.canary.to_dict()

        batching: dict[str, Any] | Unset = UNSET
        if not isinstance(self.batching, Unset):
            batching = self.batching.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
            "model": model,
        })
        if canary is not UNSET:
            field_dict["canary"] = canary
        if batching is not UNSET:
            field_dict["batching"] = batching

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batching import Batching # noqa: PLC0415
        from ..models.deploy_body_canary import DeployBodyCanary # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        model = d.pop("model")

        _canary = d.pop("canary", UNSET)
        canary: DeployBodyCanary | Unset
        if isinstance(_canary,  Unset):
            canary = UNSET
        else:
            canary = DeployBodyCanary.from_dict(_canary)




        _batching = d.pop("batching", UNSET)
        batching: Batching | Unset
        if isinstance(_batching,  Unset):
            batching = UNSET
        else:
            batching = Batching.from_dict(_batching)




        deploy_body = cls(
            name=name,
            model=model,
            canary=canary,
            batching=batching,
        )

        return deploy_body

