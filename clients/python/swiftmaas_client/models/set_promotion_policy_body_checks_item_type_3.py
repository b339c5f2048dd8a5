from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.set_promotion_policy_body_checks_item_type_3_beats_current import SetPromotionPolicyBodyChecksItemType3BeatsCurrent





T = TypeVar("T", bound="SetPromotionPolicyBodyChecksItemType3")



@_attrs_define
class SetPromotionPolicyBodyChecksItemType3:
    """ 
        Attributes:
            beats_current (SetPromotionPolicyBodyChecksItemType3BeatsCurrent):
     """

    beats_current: SetPromotionPolicyBodyChecksItemType3BeatsCurrent





    def to_dict(self) -> dict[str, Any]:
        from ..models.set_promotion_policy_body_checks_item_type_3_beats_current import SetPromotionPolicyBodyChecksItemType3BeatsCurrent # noqa: PLC0415
        beats_current = self.beats_current.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "beats_current": beats_current,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.set_promotion_policy_body_checks_item_type_3_beats_current import SetPromotionPolicyBodyChecksItemType3BeatsCurrent # noqa: PLC0415
        d = dict(src_dict)
        beats_current = SetPromotionPolicyBodyChecksItemType3BeatsCurrent.from_dict(d.pop("beats_current"))




        set_promotion_policy_body_checks_item_type_3 = cls(
            beats_current=beats_current,
        )

        return set_promotion_policy_body_checks_item_type_3

