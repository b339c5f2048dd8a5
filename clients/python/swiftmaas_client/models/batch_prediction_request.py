from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="BatchPredictionRequest")



@_attrs_define
class BatchPredictionRequest:
    """ 
        Attributes:
            model (str): model@alias, model@version or model (latest)
            dataset (str):
            priority (int | Unset): Higher runs first among the project's queued jobs (default 0).
            shard_rows (int | Unset): A dataset with more rows is split into shards of this many rows, one task each on any
                worker, joined in row order (default 100000; at most 1000 shards).
     """

    model: str
    dataset: str
    priority: int | Unset = UNSET
    shard_rows: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        model = self.model

        dataset = self.dataset

        priority = self.priority

        shard_rows = self.shard_rows


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "model": model,
            "dataset": dataset,
        })
        if priority is not UNSET:
            field_dict["priority"] = priority
        if shard_rows is not UNSET:
            field_dict["shard_rows"] = shard_rows

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        model = d.pop("model")

        dataset = d.pop("dataset")

        priority = d.pop("priority", UNSET)

        shard_rows = d.pop("shard_rows", UNSET)

        batch_prediction_request = cls(
            model=model,
            dataset=dataset,
            priority=priority,
            shard_rows=shard_rows,
        )

        return batch_prediction_request

