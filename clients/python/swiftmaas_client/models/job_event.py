from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.job_event_type import JobEventType
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.job_event_data import JobEventData





T = TypeVar("T", bound="JobEvent")



@_attrs_define
class JobEvent:
    """ 
        Attributes:
            sequence (int | Unset):
            at (str | Unset):
            type_ (JobEventType | Unset):
            data (JobEventData | Unset):
     """

    sequence: int | Unset = UNSET
    at: str | Unset = UNSET
    type_: JobEventType | Unset = UNSET
    data: JobEventData | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.job_event_data import JobEventData # noqa: PLC0415
        sequence = self.sequence

        at = self.at

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value


        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if sequence is not UNSET:
            field_dict["sequence"] = sequence
        if at is not UNSET:
            field_dict["at"] = at
        if type_ is not UNSET:
            field_dict["type"] = type_
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_event_data import JobEventData # noqa: PLC0415
        d = dict(src_dict)
        sequence = d.pop("sequence", UNSET)

        at = d.pop("at", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: JobEventType | Unset
        if isinstance(_type_,  Unset):
            type_ = UNSET
        else:
            type_ = JobEventType(_type_)




        _data = d.pop("data", UNSET)
        data: JobEventData | Unset
        if isinstance(_data,  Unset):
            data = UNSET
        else:
            data = JobEventData.from_dict(_data)




        job_event = cls(
            sequence=sequence,
            at=at,
            type_=type_,
            data=data,
        )


        job_event.additional_properties = d
        return job_event

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
