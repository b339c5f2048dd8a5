from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="TuningJobRequestEarlyStopping")



@_attrs_define
class TuningJobRequestEarlyStopping:
    """ Successive halving (networks): every trial trains min_epochs; the best 1/reduction train reduction× longer, until
    the spec's epochs.

        Attributes:
            min_epochs (int | Unset):
            reduction (int | Unset):
     """

    min_epochs: int | Unset = UNSET
    reduction: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        min_epochs = self.min_epochs

        reduction = self.reduction


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if min_epochs is not UNSET:
            field_dict["min_epochs"] = min_epochs
        if reduction is not UNSET:
            field_dict["reduction"] = reduction

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        min_epochs = d.pop("min_epochs", UNSET)

        reduction = d.pop("reduction", UNSET)

        tuning_job_request_early_stopping = cls(
            min_epochs=min_epochs,
            reduction=reduction,
        )

        return tuning_job_request_early_stopping

