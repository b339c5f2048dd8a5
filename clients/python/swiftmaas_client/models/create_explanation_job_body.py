from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.create_explanation_job_body_kind import CreateExplanationJobBodyKind
from ..models.create_explanation_job_body_metric import CreateExplanationJobBodyMetric
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="CreateExplanationJobBody")



@_attrs_define
class CreateExplanationJobBody:
    """ 
        Attributes:
            kind (CreateExplanationJobBodyKind):
            model (str):
            dataset (str):
            target (str | Unset):
            n_repeats (int | Unset):
            seed (int | Unset):
            metric (CreateExplanationJobBodyMetric | Unset):
            features (list[str] | Unset): partial_dependence: the 1 to 10 columns to vary (required);
                permutation_importance: the columns to permute (default every input)
            grid_resolution (int | Unset):
            max_rows (int | Unset):
            priority (int | Unset):
     """

    kind: CreateExplanationJobBodyKind
    model: str
    dataset: str
    target: str | Unset = UNSET
    n_repeats: int | Unset = UNSET
    seed: int | Unset = UNSET
    metric: CreateExplanationJobBodyMetric | Unset = UNSET
    features: list[str] | Unset = UNSET
    grid_resolution: int | Unset = UNSET
    max_rows: int | Unset = UNSET
    priority: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        model = self.model

        dataset = self.dataset

        target = self.target

        n_repeats = self.n_repeats

        seed = self.seed

        metric: str | Unset = UNSET
        if not isinstance(self.metric, Unset):
            metric = self.metric.value


        features: list[str] | Unset = UNSET
        if not isinstance(self.features, Unset):
            features = self.features



        grid_resolution = self.grid_resolution

        max_rows = self.max_rows

        priority = self.priority


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "kind": kind,
            "model": model,
            "dataset": dataset,
        })
        if target is not UNSET:
            field_dict["target"] = target
        if n_repeats is not UNSET:
            field_dict["n_repeats"] = n_repeats
        if seed is not UNSET:
            field_dict["seed"] = seed
        if metric is not UNSET:
            field_dict["metric"] = metric
        if features is not UNSET:
            field_dict["features"] = features
        if grid_resolution is not UNSET:
            field_dict["grid_resolution"] = grid_resolution
        if max_rows is not UNSET:
            field_dict["max_rows"] = max_rows
        if priority is not UNSET:
            field_dict["priority"] = priority

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = CreateExplanationJobBodyKind(d.pop("kind"))




        model = d.pop("model")

        dataset = d.pop("dataset")

        target = d.pop("target", UNSET)

        n_repeats = d.pop("n_repeats", UNSET)

        seed = d.pop("seed", UNSET)

        _metric = d.pop("metric", UNSET)
        metric: CreateExplanationJobBodyMetric | Unset
        if isinstance(_metric,  Unset):
            metric = UNSET
        else:
            metric = CreateExplanationJobBodyMetric(_metric)




        features = cast(list[str], d.pop("features", UNSET))


        grid_resolution = d.pop("grid_resolution", UNSET)

        max_rows = d.pop("max_rows", UNSET)

        priority = d.pop("priority", UNSET)

        create_explanation_job_body = cls(
            kind=kind,
            model=model,
            dataset=dataset,
            target=target,
            n_repeats=n_repeats,
            seed=seed,
            metric=metric,
            features=features,
            grid_resolution=grid_resolution,
            max_rows=max_rows,
            priority=priority,
        )

        return create_explanation_job_body

