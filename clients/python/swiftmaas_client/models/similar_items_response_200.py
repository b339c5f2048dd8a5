from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.similar_items_response_200_items_item import SimilarItemsResponse200ItemsItem





T = TypeVar("T", bound="SimilarItemsResponse200")



@_attrs_define
class SimilarItemsResponse200:
    """ 
        Attributes:
            endpoint (str):
            model (str):
            version (int):
            item (str):
            items (list[SimilarItemsResponse200ItemsItem]):
     """

    endpoint: str
    model: str
    version: int
    item: str
    items: list[SimilarItemsResponse200ItemsItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.similar_items_response_200_items_item import SimilarItemsResponse200ItemsItem # noqa: PLC0415
        endpoint = self.endpoint

        model = self.model

        version = self.version

        item = self.item

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "endpoint": endpoint,
            "model": model,
            "version": version,
            "item": item,
            "items": items,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.similar_items_response_200_items_item import SimilarItemsResponse200ItemsItem # noqa: PLC0415
        d = dict(src_dict)
        endpoint = d.pop("endpoint")

        model = d.pop("model")

        version = d.pop("version")

        item = d.pop("item")

        items = []
        _items = d.pop("items")
        for items_item_data in (_items):
            items_item = SimilarItemsResponse200ItemsItem.from_dict(items_item_data)



            items.append(items_item)


        similar_items_response_200 = cls(
            endpoint=endpoint,
            model=model,
            version=version,
            item=item,
            items=items,
        )


        similar_items_response_200.additional_properties = d
        return similar_items_response_200

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
