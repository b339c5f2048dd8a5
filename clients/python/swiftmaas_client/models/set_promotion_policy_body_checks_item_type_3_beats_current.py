from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.set_promotion_policy_body_checks_item_type_3_beats_current_metric import SetPromotionPolicyBodyChecksItemType3BeatsCurrentMetric
from ..types import UNSET, Unset






T = TypeVar("T", bound="SetPromotionPolicyBodyChecksItemType3BeatsCurrent")



@_attrs_define
class SetPromotionPolicyBodyChecksItemType3BeatsCurrent:
    """ 
        Attributes:
            metric (SetPromotionPolicyBodyChecksItemType3BeatsCurrentMetric):
            by (float | Unset):
            dataset (str | Unset):
     """

    metric: SetPromotionPolicyBodyChecksItemType3BeatsCurrentMetric
    by: float | Unset = UNSET
    dataset: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        metric = self.metric.value

        by = self.by

        dataset = self.dataset


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "metric": metric,
        })
        if by is not UNSET:
            field_dict["by"] = by
        if dataset is not UNSET:
            field_dict["dataset"] = dataset

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        metric = SetPromotionPolicyBodyChecksItemType3BeatsCurrentMetric(d.pop("metric"))




        by = d.pop("by", UNSET)

        dataset = d.pop("dataset", UNSET)

        set_promotion_policy_body_checks_item_type_3_beats_current = cls(
            metric=metric,
            by=by,
            dataset=dataset,
        )

        return set_promotion_policy_body_checks_item_type_3_beats_current

