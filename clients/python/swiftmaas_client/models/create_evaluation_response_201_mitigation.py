from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.create_evaluation_response_201_mitigation_after import CreateEvaluationResponse201MitigationAfter
  from ..models.create_evaluation_response_201_mitigation_before import CreateEvaluationResponse201MitigationBefore
  from ..models.create_evaluation_response_201_mitigation_rules_item import CreateEvaluationResponse201MitigationRulesItem





T = TypeVar("T", bound="CreateEvaluationResponse201Mitigation")



@_attrs_define
class CreateEvaluationResponse201Mitigation:
    """ Present when the request asked for `mitigate`.

        Attributes:
            method (str | Unset):
            constraint (str | Unset):
            objective (str | Unset):
            grid_size (int | Unset):
            best_x (float | Unset):
            rules (list[CreateEvaluationResponse201MitigationRulesItem] | Unset):
            before (CreateEvaluationResponse201MitigationBefore | Unset):
            after (CreateEvaluationResponse201MitigationAfter | Unset):
     """

    method: str | Unset = UNSET
    constraint: str | Unset = UNSET
    objective: str | Unset = UNSET
    grid_size: int | Unset = UNSET
    best_x: float | Unset = UNSET
    rules: list[CreateEvaluationResponse201MitigationRulesItem] | Unset = UNSET
    before: CreateEvaluationResponse201MitigationBefore | Unset = UNSET
    after: CreateEvaluationResponse201MitigationAfter | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.create_evaluation_response_201_mitigation_after import CreateEvaluationResponse201MitigationAfter # noqa: PLC0415
        from ..models.create_evaluation_response_201_mitigation_before import CreateEvaluationResponse201MitigationBefore # noqa: PLC0415
        from ..models.create_evaluation_response_201_mitigation_rules_item import CreateEvaluationResponse201MitigationRulesItem # noqa: PLC0415
        method = self.method

        constraint = self.constraint

        objective = self.objective

        grid_size = self.grid_size

        best_x = self.best_x

        rules: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.rules, Unset):
            rules = []
            for rules_item_data in self.rules:
                rules_item = rules_item_data.to_dict()
                rules.append(rules_item)



        before: dict[str, Any] | Unset = UNSET
        if not isinstance(self.before, Unset):
            before = self.before.to_dict()

        after: dict[str, Any] | Unset = UNSET
        if not isinstance(self.after, Unset):
            after = self.after.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if method is not UNSET:
            field_dict["method"] = method
        if constraint is not UNSET:
            field_dict["constraint"] = constraint
        if objective is not UNSET:
            field_dict["objective"] = objective
        if grid_size is not UNSET:
            field_dict["grid_size"] = grid_size
        if best_x is not UNSET:
            field_dict["best_x"] = best_x
        if rules is not UNSET:
            field_dict["rules"] = rules
        if before is not UNSET:
            field_dict["before"] = before
        if after is not UNSET:
            field_dict["after"] = after

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_evaluation_response_201_mitigation_after import CreateEvaluationResponse201MitigationAfter # noqa: PLC0415
        from ..models.create_evaluation_response_201_mitigation_before import CreateEvaluationResponse201MitigationBefore # noqa: PLC0415
        from ..models.create_evaluation_response_201_mitigation_rules_item import CreateEvaluationResponse201MitigationRulesItem # noqa: PLC0415
        d = dict(src_dict)
        method = d.pop("method", UNSET)

        constraint = d.pop("constraint", UNSET)

        objective = d.pop("objective", UNSET)

        grid_size = d.pop("grid_size", UNSET)

        best_x = d.pop("best_x", UNSET)

        _rules = d.pop("rules", UNSET)
        rules: list[CreateEvaluationResponse201MitigationRulesItem] | Unset = UNSET
        if _rules is not UNSET:
            rules = []
            for rules_item_data in _rules:
                rules_item = CreateEvaluationResponse201MitigationRulesItem.from_dict(rules_item_data)



                rules.append(rules_item)


        _before = d.pop("before", UNSET)
        before: CreateEvaluationResponse201MitigationBefore | Unset
        if isinstance(_before,  Unset):
            before = UNSET
        else:
            before = CreateEvaluationResponse201MitigationBefore.from_dict(_before)




        _after = d.pop("after", UNSET)
        after: CreateEvaluationResponse201MitigationAfter | Unset
        if isinstance(_after,  Unset):
            after = UNSET
        else:
            after = CreateEvaluationResponse201MitigationAfter.from_dict(_after)




        create_evaluation_response_201_mitigation = cls(
            method=method,
            constraint=constraint,
            objective=objective,
            grid_size=grid_size,
            best_x=best_x,
            rules=rules,
            before=before,
            after=after,
        )


        create_evaluation_response_201_mitigation.additional_properties = d
        return create_evaluation_response_201_mitigation

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
