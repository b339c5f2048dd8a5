from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.recommend_response_200_source import RecommendResponse200Source
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.recommend_response_200_items_item import RecommendResponse200ItemsItem





T = TypeVar("T", bound="RecommendResponse200")



@_attrs_define
class RecommendResponse200:
    """ 
        Attributes:
            endpoint (str):
            model (str):
            version (int):
            source (RecommendResponse200Source):
            items (list[RecommendResponse200ItemsItem]):
            user (str | Unset):
     """

    endpoint: str
    model: str
    version: int
    source: RecommendResponse200Source
    items: list[RecommendResponse200ItemsItem]
    user: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.recommend_response_200_items_item import RecommendResponse200ItemsItem # noqa: PLC0415
        endpoint = self.endpoint

        model = self.model

        version = self.version

        source = self.source.value

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)



        user = self.user


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "endpoint": endpoint,
            "model": model,
            "version": version,
            "source": source,
            "items": items,
        })
        if user is not UNSET:
            field_dict["user"] = user

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.recommend_response_200_items_item import RecommendResponse200ItemsItem # noqa: PLC0415
        d = dict(src_dict)
        endpoint = d.pop("endpoint")

        model = d.pop("model")

        version = d.pop("version")

        source = RecommendResponse200Source(d.pop("source"))




        items = []
        _items = d.pop("items")
        for items_item_data in (_items):
            items_item = RecommendResponse200ItemsItem.from_dict(items_item_data)



            items.append(items_item)


        user = d.pop("user", UNSET)

        recommend_response_200 = cls(
            endpoint=endpoint,
            model=model,
            version=version,
            source=source,
            items=items,
            user=user,
        )


        recommend_response_200.additional_properties = d
        return recommend_response_200

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
