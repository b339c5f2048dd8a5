from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.tuning_job_request_space_additional_property import TuningJobRequestSpaceAdditionalProperty





T = TypeVar("T", bound="TuningJobRequestSpace")



@_attrs_define
class TuningJobRequestSpace:
    """ Fields of the request to search, by path (spec.max_depth, spec.optimizer.lr, spec.layers.0.units, preprocessing.…,
    epochs, seed), each {"int": [lo, hi]}, {"uniform": [lo, hi]}, {"log": [lo, hi]} or {"choice": [values…]}.

     """

    additional_properties: dict[str, TuningJobRequestSpaceAdditionalProperty] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.tuning_job_request_space_additional_property import TuningJobRequestSpaceAdditionalProperty # noqa: PLC0415
        
        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop.to_dict()


        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tuning_job_request_space_additional_property import TuningJobRequestSpaceAdditionalProperty # noqa: PLC0415
        d = dict(src_dict)
        tuning_job_request_space = cls(
        )


        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = TuningJobRequestSpaceAdditionalProperty.from_dict(prop_dict)



            additional_properties[prop_name] = additional_property

        tuning_job_request_space.additional_properties = additional_properties
        return tuning_job_request_space

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> TuningJobRequestSpaceAdditionalProperty:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: TuningJobRequestSpaceAdditionalProperty) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
