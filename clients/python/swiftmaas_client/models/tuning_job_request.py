from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.tuning_job_request_sampler import TuningJobRequestSampler
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.tuning_job_request_early_stopping import TuningJobRequestEarlyStopping
  from ..models.tuning_job_request_objective import TuningJobRequestObjective
  from ..models.tuning_job_request_preprocessing import TuningJobRequestPreprocessing
  from ..models.tuning_job_request_space import TuningJobRequestSpace
  from ..models.tuning_job_request_spec import TuningJobRequestSpec
  from ..models.tuning_job_request_validation_type_0 import TuningJobRequestValidationType0
  from ..models.tuning_job_request_validation_type_1 import TuningJobRequestValidationType1





T = TypeVar("T", bound="TuningJobRequest")



@_attrs_define
class TuningJobRequest:
    """ A training request (every TrainingJobRequest field is the base of each trial) plus the search.

        Attributes:
            name (str): Registered model the new version goes to
            dataset (str):
            spec (TuningJobRequestSpec): A network spec ({input, layers, loss, optimizer, epochs, batch_size}) or a learner
                spec ({algorithm, …})
            space (TuningJobRequestSpace): Fields of the request to search, by path (spec.max_depth, spec.optimizer.lr,
                spec.layers.0.units, preprocessing.…, epochs, seed), each {"int": [lo, hi]}, {"uniform": [lo, hi]}, {"log": [lo,
                hi]} or {"choice": [values…]}.
            objective (TuningJobRequestObjective):
            labels (str | Unset): Label dataset (IDX/NPY) when dataset holds images
            target (str | Unset): Target column of a table dataset
            preprocessing (TuningJobRequestPreprocessing | Unset):
            validation (TuningJobRequestValidationType0 | TuningJobRequestValidationType1 | Unset):
            seed (int | Unset):
            epochs (int | Unset):
            priority (int | Unset): Higher runs first among the project's queued jobs (default 0).
            sampler (TuningJobRequestSampler | Unset): Default tpe (10 random startup trials, then univariate TPE).
            trials (int | Unset): Configurations to try (default 20; a grid tries at most its size).
            parallelism (int | Unset): Trials queued at once (default 4).
            early_stopping (TuningJobRequestEarlyStopping | Unset): Successive halving (networks): every trial trains
                min_epochs; the best 1/reduction train reduction× longer, until the spec's epochs.
     """

    name: str
    dataset: str
    spec: TuningJobRequestSpec
    space: TuningJobRequestSpace
    objective: TuningJobRequestObjective
    labels: str | Unset = UNSET
    target: str | Unset = UNSET
    preprocessing: TuningJobRequestPreprocessing | Unset = UNSET
    validation: TuningJobRequestValidationType0 | TuningJobRequestValidationType1 | Unset = UNSET
    seed: int | Unset = UNSET
    epochs: int | Unset = UNSET
    priority: int | Unset = UNSET
    sampler: TuningJobRequestSampler | Unset = UNSET
    trials: int | Unset = UNSET
    parallelism: int | Unset = UNSET
    early_stopping: TuningJobRequestEarlyStopping | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.tuning_job_request_early_stopping import TuningJobRequestEarlyStopping # noqa: PLC0415
        from ..models.tuning_job_request_objective import TuningJobRequestObjective # noqa: PLC0415
        from ..models.tuning_job_request_preprocessing import TuningJobRequestPreprocessing # noqa: PLC0415
        from ..models.tuning_job_request_space import TuningJobRequestSpace # noqa: PLC0415
        from ..models.tuning_job_request_spec import TuningJobRequestSpec # noqa: PLC0415
        from ..models.tuning_job_request_validation_type_0 import TuningJobRequestValidationType0 # noqa: PLC0415
        from ..models.tuning_job_request_validation_type_1 import TuningJobRequestValidationType1 # noqa: PLC0415
        name = self.name

        dataset = self.dataset

        spec = self.spec.to_dict()

        space = self.space.to_dict()

        objective = self.objective.to_dict()

        labels = self.labels

        target = self.target

        preprocessing: dict[str, Any] | Unset = UNSET
        if not isinstance(self.preprocessing, Unset):
            preprocessing = self.preprocessing.to_dict()

        validation: dict[str, Any] | Unset
        if isinstance(self.validation, Unset):
            validation = UNSET
        elif isinstance(self.validation, TuningJobRequestValidationType0):
            validation = self.validation.to_dict()
        else:
            validation = self.validation.to_dict()


        seed = self.seed

        epochs = self.epochs

        priority = self.priority

        sampler: str | Unset = UNSET
        if not isinstance(self.sampler, Unset):
            sampler = self.sampler.value


        trials = self.trials

        parallelism = self.parallelism

        early_stopping: dict[str, Any] | Unset = UNSET
        if not isinstance(self.early_stopping, Unset):
            early_stopping = self.early_stopping.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "name": name,
            "dataset": dataset,
            "spec": spec,
            "space": space,
            "objective": objective,
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
        if sampler is not UNSET:
            field_dict["sampler"] = sampler
        if trials is not UNSET:
            field_dict["trials"] = trials
        if parallelism is not UNSET:
            field_dict["parallelism"] = parallelism
        if early_stopping is not UNSET:
            field_dict["early_stopping"] = early_stopping

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tuning_job_request_early_stopping import TuningJobRequestEarlyStopping # noqa: PLC0415
        from ..models.tuning_job_request_objective import TuningJobRequestObjective # noqa: PLC0415
        from ..models.tuning_job_request_preprocessing import TuningJobRequestPreprocessing # noqa: PLC0415
        from ..models.tuning_job_request_space import TuningJobRequestSpace # noqa: PLC0415
        from ..models.tuning_job_request_spec import TuningJobRequestSpec # noqa: PLC0415
        from ..models.tuning_job_request_validation_type_0 import TuningJobRequestValidationType0 # noqa: PLC0415
        from ..models.tuning_job_request_validation_type_1 import TuningJobRequestValidationType1 # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        dataset = d.pop("dataset")

        spec = TuningJobRequestSpec.from_dict(d.pop("spec"))




        space = TuningJobRequestSpace.from_dict(d.pop("space"))




        objective = TuningJobRequestObjective.from_dict(d.pop("objective"))




        labels = d.pop("labels", UNSET)

        target = d.pop("target", UNSET)

        _preprocessing = d.pop("preprocessing", UNSET)
        preprocessing: TuningJobRequestPreprocessing | Unset
        if isinstance(_preprocessing,  Unset):
            preprocessing = UNSET
        else:
            preprocessing = TuningJobRequestPreprocessing.from_dict(_preprocessing)




        def _parse_validation(data: object) -> TuningJobRequestValidationType0 | TuningJobRequestValidationType1 | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                validation_type_0 = TuningJobRequestValidationType0.from_dict(data)



                return validation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            validation_type_1 = TuningJobRequestValidationType1.from_dict(data)



            return validation_type_1

        validation = _parse_validation(d.pop("validation", UNSET))


        seed = d.pop("seed", UNSET)

        epochs = d.pop("epochs", UNSET)

        priority = d.pop("priority", UNSET)

        _sampler = d.pop("sampler", UNSET)
        sampler: TuningJobRequestSampler | Unset
        if isinstance(_sampler,  Unset):
            sampler = UNSET
        else:
            sampler = TuningJobRequestSampler(_sampler)




        trials = d.pop("trials", UNSET)

        parallelism = d.pop("parallelism", UNSET)

        _early_stopping = d.pop("early_stopping", UNSET)
        early_stopping: TuningJobRequestEarlyStopping | Unset
        if isinstance(_early_stopping,  Unset):
            early_stopping = UNSET
        else:
            early_stopping = TuningJobRequestEarlyStopping.from_dict(_early_stopping)




        tuning_job_request = cls(
            name=name,
            dataset=dataset,
            spec=spec,
            space=space,
            objective=objective,
            labels=labels,
            target=target,
            preprocessing=preprocessing,
            validation=validation,
            seed=seed,
            epochs=epochs,
            priority=priority,
            sampler=sampler,
            trials=trials,
            parallelism=parallelism,
            early_stopping=early_stopping,
        )

        return tuning_job_request

