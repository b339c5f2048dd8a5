from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.set_promotion_policy_body_checks_item_type_2 import SetPromotionPolicyBodyChecksItemType2
  from ..models.set_promotion_policy_body_checks_item_type_3 import SetPromotionPolicyBodyChecksItemType3





T = TypeVar("T", bound="SetPromotionPolicyBody")



@_attrs_define
class SetPromotionPolicyBody:
    """ 
        Attributes:
            checks (list[Any | SetPromotionPolicyBodyChecksItemType2 | SetPromotionPolicyBodyChecksItemType3]):
     """

    checks: list[Any | SetPromotionPolicyBodyChecksItemType2 | SetPromotionPolicyBodyChecksItemType3]





    def to_dict(self) -> dict[str, Any]:
        from ..models.set_promotion_policy_body_checks_item_type_2 import SetPromotionPolicyBodyChecksItemType2 # noqa: PLC0415
        from ..models.set_promotion_policy_body_checks_item_type_3 import SetPromotionPolicyBodyChecksItemType3 # noqa: PLC0415
        checks = []
        for checks_item_data in self.checks:
            checks_item: Any | dict[str, Any]
            if isinstance(checks_item_data, SetPromotionPolicyBodyChecksItemType2):
                checks_item = checks_item_data.to_dict()
            elif isinstance(checks_item_data, SetPromotionPolicyBodyChecksItemType3):
                checks_item = checks_item_data.to_dict()
            else:
                checks_item = checks_item_data
            checks.append(checks_item)




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "checks": checks,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.set_promotion_policy_body_checks_item_type_2 import SetPromotionPolicyBodyChecksItemType2 # noqa: PLC0415
        from ..models.set_promotion_policy_body_checks_item_type_3 import SetPromotionPolicyBodyChecksItemType3 # noqa: PLC0415
        d = dict(src_dict)
        checks = []
        _checks = d.pop("checks")
        for checks_item_data in (_checks):
            def _parse_checks_item(data: object) -> Any | SetPromotionPolicyBodyChecksItemType2 | SetPromotionPolicyBodyChecksItemType3:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    checks_item_type_2 = SetPromotionPolicyBodyChecksItemType2.from_dict(data)



                    return checks_item_type_2
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    checks_item_type_3 = SetPromotionPolicyBodyChecksItemType3.from_dict(data)



                    return checks_item_type_3
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                return cast(Any | SetPromotionPolicyBodyChecksItemType2 | SetPromotionPolicyBodyChecksItemType3, data)

            checks_item = _parse_checks_item(checks_item_data)

            checks.append(checks_item)


        set_promotion_policy_body = cls(
            checks=checks,
        )

        return set_promotion_policy_body

