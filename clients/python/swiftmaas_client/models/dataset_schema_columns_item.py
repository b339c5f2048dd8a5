from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.dataset_schema_columns_item_kind import DatasetSchemaColumnsItemKind
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.dataset_schema_columns_item_top_item import DatasetSchemaColumnsItemTopItem





T = TypeVar("T", bound="DatasetSchemaColumnsItem")



@_attrs_define
class DatasetSchemaColumnsItem:
    """ 
        Attributes:
            name (str):
            kind (DatasetSchemaColumnsItemKind):
            count (int):
            missing (int):
            policy (str | Unset): The column policy applied to the values shown
            mean (float | Unset):
            std (float | Unset):
            min_ (float | Unset): Absent for viewers and for columns under a policy
            max_ (float | Unset):
            unique (int | Unset):
            top (list[DatasetSchemaColumnsItemTopItem] | Unset): The most frequent values of a categorical column
     """

    name: str
    kind: DatasetSchemaColumnsItemKind
    count: int
    missing: int
    policy: str | Unset = UNSET
    mean: float | Unset = UNSET
    std: float | Unset = UNSET
    min_: float | Unset = UNSET
    max_: float | Unset = UNSET
    unique: int | Unset = UNSET
    top: list[DatasetSchemaColumnsItemTopItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.dataset_schema_columns_item_top_item import DatasetSchemaColumnsItemTopItem # noqa: PLC0415
        name = self.name

        kind = self.kind.value

        count = self.count

        missing = self.missing

        policy = self.policy

        mean = self.mean

        std = self.std

        min_ = self.min_

        max_ = self.max_

        unique = self.unique

        top: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.top, Unset):
            top = []
            for top_item_data in self.top:
                top_item = top_item_data.to_dict()
                top.append(top_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "kind": kind,
            "count": count,
            "missing": missing,
        })
        if policy is not UNSET:
            field_dict["policy"] = policy
        if mean is not UNSET:
            field_dict["mean"] = mean
        if std is not UNSET:
            field_dict["std"] = std
        if min_ is not UNSET:
            field_dict["min"] = min_
        if max_ is not UNSET:
            field_dict["max"] = max_
        if unique is not UNSET:
            field_dict["unique"] = unique
        if top is not UNSET:
            field_dict["top"] = top

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dataset_schema_columns_item_top_item import DatasetSchemaColumnsItemTopItem # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        kind = DatasetSchemaColumnsItemKind(d.pop("kind"))




        count = d.pop("count")

        missing = d.pop("missing")

        policy = d.pop("policy", UNSET)

        mean = d.pop("mean", UNSET)

        std = d.pop("std", UNSET)

        min_ = d.pop("min", UNSET)

        max_ = d.pop("max", UNSET)

        unique = d.pop("unique", UNSET)

        _top = d.pop("top", UNSET)
        top: list[DatasetSchemaColumnsItemTopItem] | Unset = UNSET
        if _top is not UNSET:
            top = []
            for top_item_data in _top:
                top_item = DatasetSchemaColumnsItemTopItem.from_dict(top_item_data)



                top.append(top_item)


        dataset_schema_columns_item = cls(
            name=name,
            kind=kind,
            count=count,
            missing=missing,
            policy=policy,
            mean=mean,
            std=std,
            min_=min_,
            max_=max_,
            unique=unique,
            top=top,
        )


        dataset_schema_columns_item.additional_properties = d
        return dataset_schema_columns_item

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
