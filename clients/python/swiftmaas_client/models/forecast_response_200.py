from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.forecast_response_200_intervals_item import ForecastResponse200IntervalsItem





T = TypeVar("T", bound="ForecastResponse200")



@_attrs_define
class ForecastResponse200:
    """ 
        Attributes:
            endpoint (str):
            model (str):
            version (int):
            series (str):
            horizon (int):
            timestamps (list[float | str]): One per step, in the training data's style
            forecast (list[float]):
            intervals (list[ForecastResponse200IntervalsItem]):
     """

    endpoint: str
    model: str
    version: int
    series: str
    horizon: int
    timestamps: list[float | str]
    forecast: list[float]
    intervals: list[ForecastResponse200IntervalsItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.forecast_response_200_intervals_item import ForecastResponse200IntervalsItem # noqa: PLC0415
        endpoint = self.endpoint

        model = self.model

        version = self.version

        series = self.series

        horizon = self.horizon

        timestamps = []
        for timestamps_item_data in self.timestamps:
            timestamps_item: float | str
            timestamps_item = timestamps_item_data
            timestamps.append(timestamps_item)



        forecast = self.forecast



        intervals = []
        for intervals_item_data in self.intervals:
            intervals_item = intervals_item_data.to_dict()
            intervals.append(intervals_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "endpoint": endpoint,
            "model": model,
            "version": version,
            "series": series,
            "horizon": horizon,
            "timestamps": timestamps,
            "forecast": forecast,
            "intervals": intervals,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.forecast_response_200_intervals_item import ForecastResponse200IntervalsItem # noqa: PLC0415
        d = dict(src_dict)
        endpoint = d.pop("endpoint")

        model = d.pop("model")

        version = d.pop("version")

        series = d.pop("series")

        horizon = d.pop("horizon")

        timestamps = []
        _timestamps = d.pop("timestamps")
        for timestamps_item_data in (_timestamps):
            def _parse_timestamps_item(data: object) -> float | str:
                return cast(float | str, data)

            timestamps_item = _parse_timestamps_item(timestamps_item_data)

            timestamps.append(timestamps_item)


        forecast = cast(list[float], d.pop("forecast"))


        intervals = []
        _intervals = d.pop("intervals")
        for intervals_item_data in (_intervals):
            intervals_item = ForecastResponse200IntervalsItem.from_dict(intervals_item_data)



            intervals.append(intervals_item)


        forecast_response_200 = cls(
            endpoint=endpoint,
            model=model,
            version=version,
            series=series,
            horizon=horizon,
            timestamps=timestamps,
            forecast=forecast,
            intervals=intervals,
        )


        forecast_response_200.additional_properties = d
        return forecast_response_200

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
