from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.tuning_job_request_objective_direction import TuningJobRequestObjectiveDirection
from ..types import UNSET, Unset






T = TypeVar("T", bound="TuningJobRequestObjective")



@_attrs_define
class TuningJobRequestObjective:
    """ 
        Attributes:
            metric (str): A metric the trials report, e.g. cv_accuracy, test_accuracy, test_loss.
            direction (TuningJobRequestObjectiveDirection | Unset):
     """

    metric: str
    direction: TuningJobRequestObjectiveDirection | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        metric = self.metric

        direction: str | Unset = UNSET
        if not isinstance(self.direction, Unset):
            direction = self.direction.value



        field_dict: dict[str, Any] = {}

        field_dict.update({
            "metric": metric,
        })
        if direction is not UNSET:
            field_dict["direction"] = direction

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        metric = d.pop("metric")

        _direction = d.pop("direction", UNSET)
        direction: TuningJobRequestObjectiveDirection | Unset
        if isinstance(_direction,  Unset):
            direction = UNSET
        else:
            direction = TuningJobRequestObjectiveDirection(_direction)




        tuning_job_request_objective = cls(
            metric=metric,
            direction=direction,
        )

        return tuning_job_request_objective

