from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="SetDriftThresholdBody")



@_attrs_define
class SetDriftThresholdBody:
    """ 
        Attributes:
            psi_threshold (float):
     """

    psi_threshold: float





    def to_dict(self) -> dict[str, Any]:
        psi_threshold = self.psi_threshold


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "psi_threshold": psi_threshold,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        psi_threshold = d.pop("psi_threshold")

        set_drift_threshold_body = cls(
            psi_threshold=psi_threshold,
        )

        return set_drift_threshold_body

