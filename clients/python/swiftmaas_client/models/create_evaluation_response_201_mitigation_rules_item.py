from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.create_evaluation_response_201_mitigation_rules_item_threshold_0_type_1 import CreateEvaluationResponse201MitigationRulesItemThreshold0Type1
from ..models.create_evaluation_response_201_mitigation_rules_item_threshold_1_type_1 import CreateEvaluationResponse201MitigationRulesItemThreshold1Type1
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.create_evaluation_response_201_mitigation_rules_item_group import CreateEvaluationResponse201MitigationRulesItemGroup





T = TypeVar("T", bound="CreateEvaluationResponse201MitigationRulesItem")



@_attrs_define
class CreateEvaluationResponse201MitigationRulesItem:
    """ 
        Attributes:
            group (CreateEvaluationResponse201MitigationRulesItemGroup | Unset):
            p0 (float | Unset):
            threshold0 (CreateEvaluationResponse201MitigationRulesItemThreshold0Type1 | float | Unset):
            p1 (float | Unset):
            threshold1 (CreateEvaluationResponse201MitigationRulesItemThreshold1Type1 | float | Unset):
            p_ignore (float | Unset):
            constant (float | Unset):
     """

    group: CreateEvaluationResponse201MitigationRulesItemGroup | Unset = UNSET
    p0: float | Unset = UNSET
    threshold0: CreateEvaluationResponse201MitigationRulesItemThreshold0Type1 | float | Unset = UNSET
    p1: float | Unset = UNSET
    threshold1: CreateEvaluationResponse201MitigationRulesItemThreshold1Type1 | float | Unset = UNSET
    p_ignore: float | Unset = UNSET
    constant: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.create_evaluation_response_201_mitigation_rules_item_group import CreateEvaluationResponse201MitigationRulesItemGroup # noqa: PLC0415
        group: dict[str, Any] | Unset = UNSET
        if not isinstance(self.group, Unset):
            group = self.group.to_dict()

        p0 = self.p0

        threshold0: float | str | Unset
        if isinstance(self.threshold0, Unset):
            threshold0 = UNSET
        elif isinstance(self.threshold0, CreateEvaluationResponse201MitigationRulesItemThreshold0Type1):
            threshold0 = self.threshold0.value
        else:
            threshold0 = self.threshold0

        p1 = self.p1

        threshold1: float | str | Unset
        if isinstance(self.threshold1, Unset):
            threshold1 = UNSET
        elif isinstance(self.threshold1, CreateEvaluationResponse201MitigationRulesItemThreshold1Type1):
            threshold1 = self.threshold1.value
        else:
            threshold1 = self.threshold1

        p_ignore = self.p_ignore

        constant = self.constant


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if group is not UNSET:
            field_dict["group"] = group
        if p0 is not UNSET:
            field_dict["p0"] = p0
        if threshold0 is not UNSET:
            field_dict["threshold0"] = threshold0
        if p1 is not UNSET:
            field_dict["p1"] = p1
        if threshold1 is not UNSET:
            field_dict["threshold1"] = threshold1
        if p_ignore is not UNSET:
            field_dict["p_ignore"] = p_ignore
        if constant is not UNSET:
            field_dict["constant"] = constant

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_evaluation_response_201_mitigation_rules_item_group import CreateEvaluationResponse201MitigationRulesItemGroup # noqa: PLC0415
        d = dict(src_dict)
        _group = d.pop("group", UNSET)
        group: CreateEvaluationResponse201MitigationRulesItemGroup | Unset
        if isinstance(_group,  Unset):
            group = UNSET
        else:
            group = CreateEvaluationResponse201MitigationRulesItemGroup.from_dict(_group)




        p0 = d.pop("p0", UNSET)

        def _parse_threshold0(data: object) -> CreateEvaluationResponse201MitigationRulesItemThreshold0Type1 | float | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                threshold0_type_1 = CreateEvaluationResponse201MitigationRulesItemThreshold0Type1(data)



                return threshold0_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CreateEvaluationResponse201MitigationRulesItemThreshold0Type1 | float | Unset, data)

        threshold0 = _parse_threshold0(d.pop("threshold0", UNSET))


        p1 = d.pop("p1", UNSET)

        def _parse_threshold1(data: object) -> CreateEvaluationResponse201MitigationRulesItemThreshold1Type1 | float | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                threshold1_type_1 = CreateEvaluationResponse201MitigationRulesItemThreshold1Type1(data)



                return threshold1_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CreateEvaluationResponse201MitigationRulesItemThreshold1Type1 | float | Unset, data)

        threshold1 = _parse_threshold1(d.pop("threshold1", UNSET))


        p_ignore = d.pop("p_ignore", UNSET)

        constant = d.pop("constant", UNSET)

        create_evaluation_response_201_mitigation_rules_item = cls(
            group=group,
            p0=p0,
            threshold0=threshold0,
            p1=p1,
            threshold1=threshold1,
            p_ignore=p_ignore,
            constant=constant,
        )


        create_evaluation_response_201_mitigation_rules_item.additional_properties = d
        return create_evaluation_response_201_mitigation_rules_item

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
