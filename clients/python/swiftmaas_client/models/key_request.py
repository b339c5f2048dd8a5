from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.key_request_role import KeyRequestRole
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.rate_limits import RateLimits





T = TypeVar("T", bound="KeyRequest")



@_attrs_define
class KeyRequest:
    """ 
        Attributes:
            role (KeyRequestRole):
            name (str):
            limits (RateLimits | Unset): A key's quota: requests per minute over every route, and language-model tokens
                (prompt plus generated, or texts embedded) per minute. null or absent: no limit. Enforced as token buckets
                holding one minute's allowance; a key over its quota gets 429 rate_limit_exceeded with Retry-After, and keys
                with limits get x-ratelimit-limit-*/x-ratelimit-remaining-* headers.
            expires_at (datetime.datetime | None | Unset): After this time the key is refused (401)
            endpoints (list[str] | None | Unset): Endpoints the key may call for inference (403 elsewhere)
     """

    role: KeyRequestRole
    name: str
    limits: RateLimits | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    endpoints: list[str] | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.rate_limits import RateLimits # noqa: PLC0415
        role = self.role.value

        name = self.name

        limits: dict[str, Any] | Unset = UNSET
        if not isinstance(self.limits, Unset):
            limits = self.limits.to_dict()

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        endpoints: list[str] | None | Unset
        if isinstance(self.endpoints, Unset):
            endpoints = UNSET
        elif isinstance(self.endpoints, list):
            endpoints = self.endpoints


        else:
            endpoints = self.endpoints


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "role": role,
            "name": name,
        })
        if limits is not UNSET:
            field_dict["limits"] = limits
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if endpoints is not UNSET:
            field_dict["endpoints"] = endpoints

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rate_limits import RateLimits # noqa: PLC0415
        d = dict(src_dict)
        role = KeyRequestRole(d.pop("role"))




        name = d.pop("name")

        _limits = d.pop("limits", UNSET)
        limits: RateLimits | Unset
        if isinstance(_limits,  Unset):
            limits = UNSET
        else:
            limits = RateLimits.from_dict(_limits)




        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))


        def _parse_endpoints(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                endpoints_type_0 = cast(list[str], data)

                return endpoints_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        endpoints = _parse_endpoints(d.pop("endpoints", UNSET))


        key_request = cls(
            role=role,
            name=name,
            limits=limits,
            expires_at=expires_at,
            endpoints=endpoints,
        )

        return key_request

