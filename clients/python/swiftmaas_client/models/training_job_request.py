from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.training_job_request_preprocessing import TrainingJobRequestPreprocessing
  from ..models.training_job_request_spec import TrainingJobRequestSpec
  from ..models.training_job_request_validation_type_0 import TrainingJobRequestValidationType0
  from ..models.training_job_request_validation_type_1 import TrainingJobRequestValidationType1





T = TypeVar("T", bound="TrainingJobRequest")



@_attrs_define
class TrainingJobRequest:
    """ 
        Attributes:
            name (str): Registered model the new version goes to
            dataset (str):
            spec (TrainingJobRequestSpec): A network spec ({input, layers, loss, optimizer, epochs, batch_size}) or a
                learner spec ({algorithm, …})
            labels (str | Unset): Label dataset (IDX/NPY) when dataset holds images
            target (str | Unset): Target column of a table dataset
            preprocessing (TrainingJobRequestPreprocessing | Unset):
            validation (TrainingJobRequestValidationType0 | TrainingJobRequestValidationType1 | Unset):
            seed (int | Unset):
            epochs (int | Unset):
            priority (int | Unset): Higher runs first among the project's queued jobs (default 0).
     """

    name: str
    dataset: str
    spec: TrainingJobRequestSpec
    labels: str | Unset = UNSET
    target: str | Unset = UNSET
    preprocessing: TrainingJobRequestPreprocessing | Unset = UNSET
    validation: TrainingJobRequestValidationType0 | TrainingJobRequestValidationType1 | Unset = UNSET
    seed: int | Unset = UNSET
    epochs: int | Unset = UNSET
    priority: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.training_job_request_preprocessing import TrainingJobRequestPreprocessing # noqa: PLC0415
        from ..models.training_job_request_spec import TrainingJobRequestSpec # noqa: PLC0415
        from ..models.training_job_request_validation_type_0 import TrainingJobRequestValidationType0 # noqa: PLC0415
        from ..models.training_job_request_validation_type_1 import TrainingJobRequestValidationType1 # noqa: PLC0415
        name = self.name

        dataset = self.dataset

        spec = self.spec.to_dict()

        labels = self.labels

        target = self.target

        preprocessing: dict[str, Any] | Unset = UNSET
        if not isinstance(self.preprocessing, Unset):
            preprocessing = self.preprocessing.to_dict()

        validation: dict[str, Any] | Unset
        if isinstance(self.validation, Unset):
            validation = UNSET
        elif isinstance(self.validation, TrainingJobRequestValidationType0):
            validation = self.validation.to_dict()
        else:
            validation = self.validation.to_dict()


        seed = self.seed

        epochs = self.epochs

        priority = self.priority


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
            "dataset": dataset,
            "spec": spec,
        })
        if labels is not UNSET:
            field_dict["labels"] = labels
        if target is not UNSET:
            field_dict["target"] = target
        if preprocessing is not UNSET:
            field_dict["preprocessing"] = preprocessing
        if validation is not UNSET:
            field_dict["validation"] = validation
        if seed is not UNSET:
            field_dict["seed"] = seed
        if epochs is not UNSET:
            field_dict["epochs"] = epochs
        if priority is not UNSET:
            field_dict["priority"] = priority

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.training_job_request_preprocessing import TrainingJobRequestPreprocessing # noqa: PLC0415
        from ..models.training_job_request_spec import TrainingJobRequestSpec # noqa: PLC0415
        from ..models.training_job_request_validation_type_0 import TrainingJobRequestValidationType0 # noqa: PLC0415
        from ..models.training_job_request_validation_type_1 import TrainingJobRequestValidationType1 # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        dataset = d.pop("dataset")

        spec = TrainingJobRequestSpec.from_dict(d.pop("spec"))




        labels = d.pop("labels", UNSET)

        target = d.pop("target", UNSET)

        _preprocessing = d.pop("preprocessing", UNSET)
        preprocessing: TrainingJobRequestPreprocessing | Unset
        if isinstance(_preprocessing,  Unset):
            preprocessing = UNSET
        else:
            preprocessing = TrainingJobRequestPreprocessing.from_dict(_preprocessing)




        def _parse_validation(data: object) -> TrainingJobRequestValidationType0 | TrainingJobRequestValidationType1 | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                validation_type_0 = TrainingJobRequestValidationType0.from_dict(data)



                return validation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            validation_type_1 = TrainingJobRequestValidationType1.from_dict(data)



            return validation_type_1

        validation = _parse_validation(d.pop("validation", UNSET))


        seed = d.pop("seed", UNSET)

        epochs = d.pop("epochs", UNSET)

        priority = d.pop("priority", UNSET)

        training_job_request = cls(
            name=name,
            dataset=dataset,
            spec=spec,
            labels=labels,
            target=target,
            preprocessing=preprocessing,
            validation=validation,
            seed=seed,
            epochs=epochs,
            priority=priority,
        )

        return training_job_request

