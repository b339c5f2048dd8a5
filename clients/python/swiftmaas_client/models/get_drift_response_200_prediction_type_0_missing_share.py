from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="GetDriftResponse200PredictionType0MissingShare")



@_attrs_define
class GetDriftResponse200PredictionType0MissingShare:
    """ 
        Attributes:
            live (float | Unset):
            training (float | Unset):
     """

    live: float | Unset = UNSET
    training: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        live = self.live

        training = self.training


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if live is not UNSET:
            field_dict["live"] = live
        if training is not UNSET:
            field_dict["training"] = training

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        live = d.pop("live", UNSET)

        training = d.pop("training", UNSET)

        get_drift_response_200_prediction_type_0_missing_share = cls(
            live=live,
            training=training,
        )


        get_drift_response_200_prediction_type_0_missing_share.additional_properties = d
        return get_drift_response_200_prediction_type_0_missing_share

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
