from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.dataset_schema_columns_item import DatasetSchemaColumnsItem





T = TypeVar("T", bound="DatasetSchema")



@_attrs_define
class DatasetSchema:
    """ Shown by GET /v1/datasets/{name}: the inferred column types and statistics (with the column policies applied)

        Attributes:
            row_count (int):
            columns (list[DatasetSchemaColumnsItem]):
     """

    row_count: int
    columns: list[DatasetSchemaColumnsItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.dataset_schema_columns_item import DatasetSchemaColumnsItem # noqa: PLC0415
        row_count = self.row_count

        columns = []
        for columns_item_data in self.columns:
            columns_item = columns_item_data.to_dict()
            columns.append(columns_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "row_count": row_count,
            "columns": columns,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dataset_schema_columns_item import DatasetSchemaColumnsItem # noqa: PLC0415
        d = dict(src_dict)
        row_count = d.pop("row_count")

        columns = []
        _columns = d.pop("columns")
        for columns_item_data in (_columns):
            columns_item = DatasetSchemaColumnsItem.from_dict(columns_item_data)



            columns.append(columns_item)


        dataset_schema = cls(
            row_count=row_count,
            columns=columns,
        )


        dataset_schema.additional_properties = d
        return dataset_schema

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
