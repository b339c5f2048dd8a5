from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.get_drift_response_200_features_item_ks_type_0_method import GetDriftResponse200FeaturesItemKsType0Method
from ..types import UNSET, Unset






T = TypeVar("T", bound="GetDriftResponse200FeaturesItemKsType0")



@_attrs_define
class GetDriftResponse200FeaturesItemKsType0:
    """ 
        Attributes:
            statistic (float | Unset):
            p_value (float | Unset):
            method (GetDriftResponse200FeaturesItemKsType0Method | Unset):
     """

    statistic: float | Unset = UNSET
    p_value: float | Unset = UNSET
    method: GetDriftResponse200FeaturesItemKsType0Method | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        statistic = self.statistic

        p_value = self.p_value

        method: str | Unset = UNSET
        if not isinstance(self.method, Unset):
            method = self.method.value



        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if statistic is not UNSET:
            field_dict["statistic"] = statistic
        if p_value is not UNSET:
            field_dict["p_value"] = p_value
        if method is not UNSET:
            field_dict["method"] = method

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        statistic = d.pop("statistic", UNSET)

        p_value = d.pop("p_value", UNSET)

        _method = d.pop("method", UNSET)
        method: GetDriftResponse200FeaturesItemKsType0Method | Unset
        if isinstance(_method,  Unset):
            method = UNSET
        else:
            method = GetDriftResponse200FeaturesItemKsType0Method(_method)




        get_drift_response_200_features_item_ks_type_0 = cls(
            statistic=statistic,
            p_value=p_value,
            method=method,
        )


        get_drift_response_200_features_item_ks_type_0.additional_properties = d
        return get_drift_response_200_features_item_ks_type_0

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
