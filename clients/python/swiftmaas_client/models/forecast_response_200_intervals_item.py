from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="ForecastResponse200IntervalsItem")



@_attrs_define
class ForecastResponse200IntervalsItem:
    """ 
        Attributes:
            level (float):
            lower (list[float]):
            upper (list[float]):
     """

    level: float
    lower: list[float]
    upper: list[float]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        level = self.level

        lower = self.lower



        upper = self.upper




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "level": level,
            "lower": lower,
            "upper": upper,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        level = d.pop("level")

        lower = cast(list[float], d.pop("lower"))


        upper = cast(list[float], d.pop("upper"))


        forecast_response_200_intervals_item = cls(
            level=level,
            lower=lower,
            upper=upper,
        )


        forecast_response_200_intervals_item.additional_properties = d
        return forecast_response_200_intervals_item

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
