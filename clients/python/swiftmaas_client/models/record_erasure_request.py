from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="RecordErasureRequest")



@_attrs_define
class RecordErasureRequest:
    """ 
        Attributes:
            column (str):
            values (list[float | str]):
     """

    column: str
    values: list[float | str]





    def to_dict(self) -> dict[str, Any]:
        column = self.column

        values = []
        for values_item_data in self.values:
            values_item: float | str
            values_item = values_item_data
            values.append(values_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "column": column,
            "values": values,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        column = d.pop("column")

        values = []
        _values = d.pop("values")
        for values_item_data in (_values):
            def _parse_values_item(data: object) -> float | str:
                return cast(float | str, data)

            values_item = _parse_values_item(values_item_data)

            values.append(values_item)


        record_erasure_request = cls(
            column=column,
            values=values,
        )

        return record_erasure_request

