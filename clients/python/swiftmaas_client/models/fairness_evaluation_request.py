from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.fairness_evaluation_request_mitigate import FairnessEvaluationRequestMitigate





T = TypeVar("T", bound="FairnessEvaluationRequest")



@_attrs_define
class FairnessEvaluationRequest:
    """ 
        Attributes:
            model (str): model@alias, model@version or model (latest)
            dataset (str):
            target (str):
            sensitive (list[str]):
            positive_label (str | Unset): The label counted as selected (inferred for 0/1, no/yes, false/true).
            min_group_size (int | Unset): Groups with fewer rows are refused (default 10).
            mitigate (FairnessEvaluationRequestMitigate | Unset): Fit fairlearn's ThresholdOptimizer (accuracy objective, no
                flipping) on the version's scores for the positive label, groups the intersection of the sensitive columns; the
                answer's `mitigation` gives each group's randomized thresholds and the group metrics before and after (expected
                counts).
     """

    model: str
    dataset: str
    target: str
    sensitive: list[str]
    positive_label: str | Unset = UNSET
    min_group_size: int | Unset = UNSET
    mitigate: FairnessEvaluationRequestMitigate | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.fairness_evaluation_request_mitigate import FairnessEvaluationRequestMitigate # noqa: PLC0415
        model = self.model

        dataset = self.dataset

        target = self.target

        sensitive = self.sensitive



        positive_label = self.positive_label

        min_group_size = self.min_group_size

        mitigate: dict[str, Any] | Unset = UNSET
        if not isinstance(self.mitigate, Unset):
            mitigate = self.mitigate.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "model": model,
            "dataset": dataset,
            "target": target,
            "sensitive": sensitive,
        })
        if positive_label is not UNSET:
            field_dict["positive_label"] = positive_label
        if min_group_size is not UNSET:
            field_dict["min_group_size"] = min_group_size
        if mitigate is not UNSET:
            field_dict["mitigate"] = mitigate

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.fairness_evaluation_request_mitigate import FairnessEvaluationRequestMitigate # noqa: PLC0415
        d = dict(src_dict)
        model = d.pop("model")

        dataset = d.pop("dataset")

        target = d.pop("target")

        sensitive = cast(list[str], d.pop("sensitive"))


        positive_label = d.pop("positive_label", UNSET)

        min_group_size = d.pop("min_group_size", UNSET)

        _mitigate = d.pop("mitigate", UNSET)
        mitigate: FairnessEvaluationRequestMitigate | Unset
        if isinstance(_mitigate,  Unset):
            mitigate = UNSET
        else:
            mitigate = FairnessEvaluationRequestMitigate.from_dict(_mitigate)




        fairness_evaluation_request = cls(
            model=model,
            dataset=dataset,
            target=target,
            sensitive=sensitive,
            positive_label=positive_label,
            min_group_size=min_group_size,
            mitigate=mitigate,
        )

        return fairness_evaluation_request

