from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="SetDriftThresholdResponse200")



@_attrs_define
class SetDriftThresholdResponse200:
    """ 
        Attributes:
            endpoint (str | Unset):
            psi_threshold (float | Unset):
     """

    endpoint: str | Unset = UNSET
    psi_threshold: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        endpoint = self.endpoint

        psi_threshold = self.psi_threshold


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if endpoint is not UNSET:
            field_dict["endpoint"] = endpoint
        if psi_threshold is not UNSET:
            field_dict["psi_threshold"] = psi_threshold

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        endpoint = d.pop("endpoint", UNSET)

        psi_threshold = d.pop("psi_threshold", UNSET)

        set_drift_threshold_response_200 = cls(
            endpoint=endpoint,
            psi_threshold=psi_threshold,
        )


        set_drift_threshold_response_200.additional_properties = d
        return set_drift_threshold_response_200

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
