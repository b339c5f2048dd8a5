from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.rate_limits import RateLimits





T = TypeVar("T", bound="UpdateKeyBody")



@_attrs_define
class UpdateKeyBody:
    """ 
        Attributes:
            limits (None | RateLimits): null removes every limit
     """

    limits: None | RateLimits





    def to_dict(self) -> dict[str, Any]:
        from ..models.rate_limits import RateLimits # noqa: PLC0415
        limits: dict[str, Any] | None
        if isinstance(self.limits, RateLimits):
            limits = self.limits.to_dict()
        else:
            limits = self.limits


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "limits": limits,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rate_limits import RateLimits # noqa: PLC0415
        d = dict(src_dict)
        def _parse_limits(data: object) -> None | RateLimits:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                limits_type_0 = RateLimits.from_dict(data)



                return limits_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RateLimits, data)

        limits = _parse_limits(d.pop("limits"))


        update_key_body = cls(
            limits=limits,
        )

        return update_key_body

