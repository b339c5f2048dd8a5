from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.set_promotion_policy_body_checks_item_type_2_latency_p99_ms import SetPromotionPolicyBodyChecksItemType2LatencyP99Ms





T = TypeVar("T", bound="SetPromotionPolicyBodyChecksItemType2")



@_attrs_define
class SetPromotionPolicyBodyChecksItemType2:
    """ 
        Attributes:
            latency_p99_ms (SetPromotionPolicyBodyChecksItemType2LatencyP99Ms):
     """

    latency_p99_ms: SetPromotionPolicyBodyChecksItemType2LatencyP99Ms





    def to_dict(self) -> dict[str, Any]:
        from ..models.set_promotion_policy_body_checks_item_type_2_latency_p99_ms import SetPromotionPolicyBodyChecksItemType2LatencyP99Ms # noqa: PLC0415
        latency_p99_ms = self.latency_p99_ms.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "latency_p99_ms": latency_p99_ms,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.set_promotion_policy_body_checks_item_type_2_latency_p99_ms import SetPromotionPolicyBodyChecksItemType2LatencyP99Ms # noqa: PLC0415
        d = dict(src_dict)
        latency_p99_ms = SetPromotionPolicyBodyChecksItemType2LatencyP99Ms.from_dict(d.pop("latency_p99_ms"))




        set_promotion_policy_body_checks_item_type_2 = cls(
            latency_p99_ms=latency_p99_ms,
        )

        return set_promotion_policy_body_checks_item_type_2

