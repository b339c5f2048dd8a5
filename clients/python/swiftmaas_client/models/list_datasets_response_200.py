from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.dataset import Dataset





T = TypeVar("T", bound="ListDatasetsResponse200")



@_attrs_define
class ListDatasetsResponse200:
    """ 
        Attributes:
            datasets (list[Dataset] | Unset):
            next_page_token (str | Unset): Present when more items follow: pass it as page_token for the next page
     """

    datasets: list[Dataset] | Unset = UNSET
    next_page_token: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.dataset import Dataset # noqa: PLC0415
        datasets: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.datasets, Unset):
            datasets = []
            for datasets_item_data in self.datasets:
                datasets_item = datasets_item_data.to_dict()
                datasets.append(datasets_item)



        next_page_token = self.next_page_token


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if datasets is not UNSET:
            field_dict["datasets"] = datasets
        if next_page_token is not UNSET:
            field_dict["next_page_token"] = next_page_token

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dataset import Dataset # noqa: PLC0415
        d = dict(src_dict)
        _datasets = d.pop("datasets", UNSET)
        datasets: list[Dataset] | Unset = UNSET
        if _datasets is not UNSET:
            datasets = []
            for datasets_item_data in _datasets:
                datasets_item = Dataset.from_dict(datasets_item_data)



                datasets.append(datasets_item)


        next_page_token = d.pop("next_page_token", UNSET)

        list_datasets_response_200 = cls(
            datasets=datasets,
            next_page_token=next_page_token,
        )


        list_datasets_response_200.additional_properties = d
        return list_datasets_response_200

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
