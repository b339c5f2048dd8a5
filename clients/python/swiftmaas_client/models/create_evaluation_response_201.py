from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.create_evaluation_response_201_kind import CreateEvaluationResponse201Kind
from ..models.create_evaluation_response_201_task import CreateEvaluationResponse201Task
from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.create_evaluation_response_201_by_item import CreateEvaluationResponse201ByItem
  from ..models.create_evaluation_response_201_mitigation import CreateEvaluationResponse201Mitigation





T = TypeVar("T", bound="CreateEvaluationResponse201")



@_attrs_define
class CreateEvaluationResponse201:
    """ 
        Attributes:
            model (str):
            dataset (str):
            target (str):
            task (CreateEvaluationResponse201Task):
            rows (int):
            by (list[CreateEvaluationResponse201ByItem]):
            id (str):
            kind (CreateEvaluationResponse201Kind):
            created_at (datetime.datetime):
            dataset_version (int | Unset):
            positive_label (str | Unset):
            min_group_size (int | Unset):
            mitigation (CreateEvaluationResponse201Mitigation | Unset): Present when the request asked for `mitigate`.
     """

    model: str
    dataset: str
    target: str
    task: CreateEvaluationResponse201Task
    rows: int
    by: list[CreateEvaluationResponse201ByItem]
    id: str
    kind: CreateEvaluationResponse201Kind
    created_at: datetime.datetime
    dataset_version: int | Unset = UNSET
    positive_label: str | Unset = UNSET
    min_group_size: int | Unset = UNSET
    mitigation: CreateEvaluationResponse201Mitigation | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.create_evaluation_response_201_by_item import CreateEvaluationResponse201ByItem # noqa: PLC0415
        from ..models.create_evaluation_response_201_mitigation import CreateEvaluationResponse201Mitigation # noqa: PLC0415
        model = self.model

        dataset = self.dataset

        target = self.target

        task = self.task.value

        rows = self.rows

        by = []
        for by_item_data in self.by:
            by_item = by_item_data.to_dict()
            by.append(by_item)



        id = self.id

        kind = self.kind.value

        created_at = self.created_at.isoformat()

        dataset_version = self.dataset_version

        positive_label = self.positive_label

        min_group_size = self.min_group_size

        mitigation: dict[str, Any] | Unset = UNSET
        if not isinstance(self.mitigation, Unset):
            mitigation = self.mitigation.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "model": model,
            "dataset": dataset,
            "target": target,
            "task": task,
            "rows": rows,
            "by": by,
            "id": id,
            "kind": kind,
            "created_at": created_at,
        })
        if dataset_version is not UNSET:
            field_dict["dataset_version"] = dataset_version
        if positive_label is not UNSET:
            field_dict["positive_label"] = positive_label
        if min_group_size is not UNSET:
            field_dict["min_group_size"] = min_group_size
        if mitigation is not UNSET:
            field_dict["mitigation"] = mitigation

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_evaluation_response_201_by_item import CreateEvaluationResponse201ByItem # noqa: PLC0415
        from ..models.create_evaluation_response_201_mitigation import CreateEvaluationResponse201Mitigation # noqa: PLC0415
        d = dict(src_dict)
        model = d.pop("model")

        dataset = d.pop("dataset")

        target = d.pop("target")

        task = CreateEvaluationResponse201Task(d.pop("task"))




        rows = d.pop("rows")

        by = []
        _by = d.pop("by")
        for by_item_data in (_by):
            by_item = CreateEvaluationResponse201ByItem.from_dict(by_item_data)



            by.append(by_item)


        id = d.pop("id")

        kind = CreateEvaluationResponse201Kind(d.pop("kind"))




        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        dataset_version = d.pop("dataset_version", UNSET)

        positive_label = d.pop("positive_label", UNSET)

        min_group_size = d.pop("min_group_size", UNSET)

        _mitigation = d.pop("mitigation", UNSET)
        mitigation: CreateEvaluationResponse201Mitigation | Unset
        if isinstance(_mitigation,  Unset):
            mitigation = UNSET
        else:
            mitigation = CreateEvaluationResponse201Mitigation.from_dict(_mitigation)




        create_evaluation_response_201 = cls(
            model=model,
            dataset=dataset,
            target=target,
            task=task,
            rows=rows,
            by=by,
            id=id,
            kind=kind,
            created_at=created_at,
            dataset_version=dataset_version,
            positive_label=positive_label,
            min_group_size=min_group_size,
            mitigation=mitigation,
        )


        create_evaluation_response_201.additional_properties = d
        return create_evaluation_response_201

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
