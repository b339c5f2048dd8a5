from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="GetShadowResponse200LatencyMs")



@_attrs_define
class GetShadowResponse200LatencyMs:
    """ 
        Attributes:
            shadow_p50 (float | None | Unset):
            shadow_p99 (float | None | Unset):
            primary_p50 (float | None | Unset):
            primary_p99 (float | None | Unset):
     """

    shadow_p50: float | None | Unset = UNSET
    shadow_p99: float | None | Unset = UNSET
    primary_p50: float | None | Unset = UNSET
    primary_p99: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        shadow_p50: float | None | Unset
        if isinstance(self.shadow_p50, Unset):
            shadow_p50 = UNSET
        else:
            shadow_p50 = self.shadow_p50

        shadow_p99: float | None | Unset
        if isinstance(self.shadow_p99, Unset):
            shadow_p99 = UNSET
        else:
            shadow_p99 = self.shadow_p99

        primary_p50: float | None | Unset
        if isinstance(self.primary_p50, Unset):
            primary_p50 = UNSET
        else:
            primary_p50 = self.primary_p50

        primary_p99: float | None | Unset
        if isinstance(self.primary_p99, Unset):
            primary_p99 = UNSET
        else:
            primary_p99 = self.primary_p99


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if shadow_p50 is not UNSET:
            field_dict["shadow_p50"] = shadow_p50
        if shadow_p99 is not UNSET:
            field_dict["shadow_p99"] = shadow_p99
        if primary_p50 is not UNSET:
            field_dict["primary_p50"] = primary_p50
        if primary_p99 is not UNSET:
            field_dict["primary_p99"] = primary_p99

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_shadow_p50(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        shadow_p50 = _parse_shadow_p50(d.pop("shadow_p50", UNSET))


        def _parse_shadow_p99(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        shadow_p99 = _parse_shadow_p99(d.pop("shadow_p99", UNSET))


        def _parse_primary_p50(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        primary_p50 = _parse_primary_p50(d.pop("primary_p50", UNSET))


        def _parse_primary_p99(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        primary_p99 = _parse_primary_p99(d.pop("primary_p99", UNSET))


        get_shadow_response_200_latency_ms = cls(
            shadow_p50=shadow_p50,
            shadow_p99=shadow_p99,
            primary_p50=primary_p50,
            primary_p99=primary_p99,
        )


        get_shadow_response_200_latency_ms.additional_properties = d
        return get_shadow_response_200_latency_ms

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
