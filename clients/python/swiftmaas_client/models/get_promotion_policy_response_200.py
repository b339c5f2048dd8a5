from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.get_promotion_policy_response_200_checks_item import GetPromotionPolicyResponse200ChecksItem





T = TypeVar("T", bound="GetPromotionPolicyResponse200")



@_attrs_define
class GetPromotionPolicyResponse200:
    """ 
        Attributes:
            model (str | Unset):
            alias (str | Unset):
            checks (list[GetPromotionPolicyResponse200ChecksItem] | Unset):
     """

    model: str | Unset = UNSET
    alias: str | Unset = UNSET
    checks: list[GetPromotionPolicyResponse200ChecksItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.get_promotion_policy_response_200_checks_item import GetPromotionPolicyResponse200ChecksItem # noqa: PLC0415
        model = self.model

        alias = self.alias

        checks: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.checks, Unset):
            checks = []
            for checks_item_data in self.checks:
                checks_item = checks_item_data.to_dict()
                checks.append(checks_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if model is not UNSET:
            field_dict["model"] = model
        if alias is not UNSET:
            field_dict["alias"] = alias
        if checks is not UNSET:
            field_dict["checks"] = checks

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.get_promotion_policy_response_200_checks_item import GetPromotionPolicyResponse200ChecksItem # noqa: PLC0415
        d = dict(src_dict)
        model = d.pop("model", UNSET)

        alias = d.pop("alias", UNSET)

        _checks = d.pop("checks", UNSET)
        checks: list[GetPromotionPolicyResponse200ChecksItem] | Unset = UNSET
        if _checks is not UNSET:
            checks = []
            for checks_item_data in _checks:
                checks_item = GetPromotionPolicyResponse200ChecksItem.from_dict(checks_item_data)



                checks.append(checks_item)


        get_promotion_policy_response_200 = cls(
            model=model,
            alias=alias,
            checks=checks,
        )


        get_promotion_policy_response_200.additional_properties = d
        return get_promotion_policy_response_200

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
