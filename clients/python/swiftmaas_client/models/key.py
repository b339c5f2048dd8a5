from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.rate_limits import RateLimits





T = TypeVar("T", bound="Key")



@_attrs_define
class Key:
    """ 
        Attributes:
            id (str | Unset):
            project (str | Unset):
            role (str | Unset):
            name (str | Unset):
            created_at (datetime.datetime | Unset):
            revoked (bool | Unset):
            limits (RateLimits | Unset): A key's quota: requests per minute over every route, and language-model tokens
                (prompt plus generated, or texts embedded) per minute. null or absent: no limit. Enforced as token buckets
                holding one minute's allowance; a key over its quota gets 429 rate_limit_exceeded with Retry-After, and keys
                with limits get x-ratelimit-limit-*/x-ratelimit-remaining-* headers.
            expires_at (datetime.datetime | None | Unset):
            endpoints (list[str] | None | Unset):
     """

    id: str | Unset = UNSET
    project: str | Unset = UNSET
    role: str | Unset = UNSET
    name: str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    revoked: bool | Unset = UNSET
    limits: RateLimits | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    endpoints: list[str] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.rate_limits import RateLimits # noqa: PLC0415
        id = self.id

        project = self.project

        role = self.role

        name = self.name

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        revoked = self.revoked

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
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if id is not UNSET:
            field_dict["id"] = id
        if project is not UNSET:
            field_dict["project"] = project
        if role is not UNSET:
            field_dict["role"] = role
        if name is not UNSET:
            field_dict["name"] = name
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if revoked is not UNSET:
            field_dict["revoked"] = revoked
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
        id = d.pop("id", UNSET)

        project = d.pop("project", UNSET)

        role = d.pop("role", UNSET)

        name = d.pop("name", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at,  Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)




        revoked = d.pop("revoked", UNSET)

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


        key = cls(
            id=id,
            project=project,
            role=role,
            name=name,
            created_at=created_at,
            revoked=revoked,
            limits=limits,
            expires_at=expires_at,
            endpoints=endpoints,
        )


        key.additional_properties = d
        return key

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
