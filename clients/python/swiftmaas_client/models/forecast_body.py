from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ForecastBody")



@_attrs_define
class ForecastBody:
    """ 
        Attributes:
            horizon (int | Unset): Steps ahead to forecast; default: the horizon the model was validated on
            series (str | Unset): Series id (the training data's `series` column)
            intervals (list[float] | Unset): Coverage levels of the prediction intervals; default [0.95]
     """

    horizon: int | Unset = UNSET
    series: str | Unset = UNSET
    intervals: list[float] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        horizon = self.horizon

        series = self.series

        intervals: list[float] | Unset = UNSET
        if not isinstance(self.intervals, Unset):
            intervals = self.intervals




        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if horizon is not UNSET:
            field_dict["horizon"] = horizon
        if series is not UNSET:
            field_dict["series"] = series
        if intervals is not UNSET:
            field_dict["intervals"] = intervals

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        horizon = d.pop("horizon", UNSET)

        series = d.pop("series", UNSET)

        intervals = cast(list[float], d.pop("intervals", UNSET))


        forecast_body = cls(
            horizon=horizon,
            series=series,
            intervals=intervals,
        )

        return forecast_body

