from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="SetPromotionPolicyBodyChecksItemType2LatencyP99Ms")



@_attrs_define
class SetPromotionPolicyBodyChecksItemType2LatencyP99Ms:
    """ 
        Attributes:
            max_ (float):
            batch (int | Unset):
     """

    max_: float
    batch: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        max_ = self.max_

        batch = self.batch


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "max": max_,
        })
        if batch is not UNSET:
            field_dict["batch"] = batch

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        max_ = d.pop("max")

        batch = d.pop("batch", UNSET)

        set_promotion_policy_body_checks_item_type_2_latency_p99_ms = cls(
            max_=max_,
            batch=batch,
        )

        return set_promotion_policy_body_checks_item_type_2_latency_p99_ms

