from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.fairness_evaluation_request_mitigate_constraint import FairnessEvaluationRequestMitigateConstraint
from ..models.fairness_evaluation_request_mitigate_method import FairnessEvaluationRequestMitigateMethod
from ..types import UNSET, Unset






T = TypeVar("T", bound="FairnessEvaluationRequestMitigate")



@_attrs_define
class FairnessEvaluationRequestMitigate:
    """ Fit fairlearn's ThresholdOptimizer (accuracy objective, no flipping) on the version's scores for the positive label,
    groups the intersection of the sensitive columns; the answer's `mitigation` gives each group's randomized thresholds
    and the group metrics before and after (expected counts).

        Attributes:
            method (FairnessEvaluationRequestMitigateMethod):
            constraint (FairnessEvaluationRequestMitigateConstraint):
            grid_size (int | Unset): Points on the shared x grid (default 1000, as fairlearn).
     """

    method: FairnessEvaluationRequestMitigateMethod
    constraint: FairnessEvaluationRequestMitigateConstraint
    grid_size: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        method = self.method.value

        constraint = self.constraint.value

        grid_size = self.grid_size


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "method": method,
            "constraint": constraint,
        })
        if grid_size is not UNSET:
            field_dict["grid_size"] = grid_size

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        method = FairnessEvaluationRequestMitigateMethod(d.pop("method"))




        constraint = FairnessEvaluationRequestMitigateConstraint(d.pop("constraint"))




        grid_size = d.pop("grid_size", UNSET)

        fairness_evaluation_request_mitigate = cls(
            method=method,
            constraint=constraint,
            grid_size=grid_size,
        )

        return fairness_evaluation_request_mitigate

