from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="DeployBodyCanary")



@_attrs_define
class DeployBodyCanary:
    """ 
        Attributes:
            model (str): Alias or version of the same model
            percent (float):
            slo (Any | Unset): Service-level objective over the canary's own requests; when breached the canary is withdrawn
                (audit entry canary.rollback, maas_canary_rollbacks_total).
     """

    model: str
    percent: float
    slo: Any | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        model = self.model

        percent = self.percent

        slo: Any | Unset
        if isinstance(self.slo, Unset):
            slo = UNSET
        else:
            slo = self.slo


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "model": model,
            "percent": percent,
        })
        if slo is not UNSET:
            field_dict["slo"] = slo

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        model = d.pop("model")

        percent = d.pop("percent")

        def _parse_slo(data: object) -> Any | Unset:
            if isinstance(data, Unset):
                return data
            return cast(Any | Unset, data)

        slo = _parse_slo(d.pop("slo", UNSET))


        deploy_body_canary = cls(
            model=model,
            percent=percent,
            slo=slo,
        )

        return deploy_body_canary

