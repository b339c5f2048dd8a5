from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.training_job_state import TrainingJobState
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.training_job_metrics import TrainingJobMetrics
  from ..models.training_job_progress import TrainingJobProgress
  from ..models.training_job_request import TrainingJobRequest
  from ..models.training_job_tasks_item import TrainingJobTasksItem





T = TypeVar("T", bound="TrainingJob")



@_attrs_define
class TrainingJob:
    """ 
        Attributes:
            id (str | Unset):
            state (TrainingJobState | Unset):
            model (str | Unset):
            version (int | Unset):
            attempts (int | Unset):
            priority (int | Unset): Higher runs first among the project's queued jobs (-10 to 10).
            worker (str | Unset): The node running the job (holding its lease); absent once it has finished.
            tasks (list[TrainingJobTasksItem] | Unset): The tasks a decomposed job runs as (one per fold of a k-fold job),
                each a job object; the job waits while they run on any worker.
            created_at (str | Unset):
            started_at (str | Unset):
            finished_at (str | Unset):
            progress (TrainingJobProgress | Unset):
            metrics (TrainingJobMetrics | Unset):
            error (str | Unset):
            compute_seconds (float | Unset):
            request (TrainingJobRequest | Unset):
     """

    id: str | Unset = UNSET
    state: TrainingJobState | Unset = UNSET
    model: str | Unset = UNSET
    version: int | Unset = UNSET
    attempts: int | Unset = UNSET
    priority: int | Unset = UNSET
    worker: str | Unset = UNSET
    tasks: list[TrainingJobTasksItem] | Unset = UNSET
    created_at: str | Unset = UNSET
    started_at: str | Unset = UNSET
    finished_at: str | Unset = UNSET
    progress: TrainingJobProgress | Unset = UNSET
    metrics: TrainingJobMetrics | Unset = UNSET
    error: str | Unset = UNSET
    compute_seconds: float | Unset = UNSET
    request: TrainingJobRequest | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.training_job_metrics import TrainingJobMetrics # noqa: PLC0415
        from ..models.training_job_progress import TrainingJobProgress # noqa: PLC0415
        from ..models.training_job_request import TrainingJobRequest # noqa: PLC0415
        from ..models.training_job_tasks_item import TrainingJobTasksItem # noqa: PLC0415
        id = self.id

        state: str | Unset = UNSET
        if not isinstance(self.state, Unset):
            state = self.state.value


        model = self.model

        version = self.version

        attempts = self.attempts

        priority = self.priority

        worker = self.worker

        tasks: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tasks, Unset):
            tasks = []
            for tasks_item_data in self.tasks:
                tasks_item = tasks_item_data.to_dict()
                tasks.append(tasks_item)



        created_at = self.created_at

        started_at = self.started_at

        finished_at = self.finished_at

        progress: dict[str, Any] | Unset = UNSET
        if not isinstance(self.progress, Unset):
            progress = self.progress.to_dict()

        metrics: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metrics, Unset):
            metrics = self.metrics.to_dict()

        error = self.error

        compute_seconds = self.compute_seconds

        request: dict[str, Any] | Unset = UNSET
        if not isinstance(self.request, Unset):
            request = self.request.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if id is not UNSET:
            field_dict["id"] = id
        if state is not UNSET:
            field_dict["state"] = state
        if model is not UNSET:
            field_dict["model"] = model
        if version is not UNSET:
            field_dict["version"] = version
        if attempts is not UNSET:
            field_dict["attempts"] = attempts
        if priority is not UNSET:
            field_dict["priority"] = priority
        if worker is not UNSET:
            field_dict["worker"] = worker
        if tasks is not UNSET:
            field_dict["tasks"] = tasks
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if progress is not UNSET:
            field_dict["progress"] = progress
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if error is not UNSET:
            field_dict["error"] = error
        if compute_seconds is not UNSET:
            field_dict["compute_seconds"] = compute_seconds
        if request is not UNSET:
            field_dict["request"] = request

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.training_job_metrics import TrainingJobMetrics # noqa: PLC0415
        from ..models.training_job_progress import TrainingJobProgress # noqa: PLC0415
        from ..models.training_job_request import TrainingJobRequest # noqa: PLC0415
        from ..models.training_job_tasks_item import TrainingJobTasksItem # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        _state = d.pop("state", UNSET)
        state: TrainingJobState | Unset
        if isinstance(_state,  Unset):
            state = UNSET
        else:
            state = TrainingJobState(_state)




        model = d.pop("model", UNSET)

        version = d.pop("version", UNSET)

        attempts = d.pop("attempts", UNSET)

        priority = d.pop("priority", UNSET)

        worker = d.pop("worker", UNSET)

        _tasks = d.pop("tasks", UNSET)
        tasks: list[TrainingJobTasksItem] | Unset = UNSET
        if _tasks is not UNSET:
            tasks = []
            for tasks_item_data in _tasks:
                tasks_item = TrainingJobTasksItem.from_dict(tasks_item_data)



                tasks.append(tasks_item)


        created_at = d.pop("created_at", UNSET)

        started_at = d.pop("started_at", UNSET)

        finished_at = d.pop("finished_at", UNSET)

        _progress = d.pop("progress", UNSET)
        progress: TrainingJobProgress | Unset
        if isinstance(_progress,  Unset):
            progress = UNSET
        else:
            progress = TrainingJobProgress.from_dict(_progress)




        _metrics = d.pop("metrics", UNSET)
        metrics: TrainingJobMetrics | Unset
        if isinstance(_metrics,  Unset):
            metrics = UNSET
        else:
            metrics = TrainingJobMetrics.from_dict(_metrics)




        error = d.pop("error", UNSET)

        compute_seconds = d.pop("compute_seconds", UNSET)

        _request = d.pop("request", UNSET)
        request: TrainingJobRequest | Unset
        if isinstance(_request,  Unset):
            request = UNSET
        else:
            request = TrainingJobRequest.from_dict(_request)




        training_job = cls(
            id=id,
            state=state,
            model=model,
            version=version,
            attempts=attempts,
            priority=priority,
            worker=worker,
            tasks=tasks,
            created_at=created_at,
            started_at=started_at,
            finished_at=finished_at,
            progress=progress,
            metrics=metrics,
            error=error,
            compute_seconds=compute_seconds,
            request=request,
        )


        training_job.additional_properties = d
        return training_job

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
