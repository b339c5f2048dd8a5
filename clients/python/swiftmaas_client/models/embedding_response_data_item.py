from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import Literal, cast






T = TypeVar("T", bound="EmbeddingResponseDataItem")



@_attrs_define
class EmbeddingResponseDataItem:
    """ 
        Attributes:
            object_ (Literal['embedding'] | Unset):
            index (int | Unset):
            embedding (list[float] | str | Unset):
     """

    object_: Literal['embedding'] | Unset = UNSET
    index: int | Unset = UNSET
    embedding: list[float] | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        object_ = self.object_

        index = self.index

        embedding: list[float] | str | Unset
        if isinstance(self.embedding, Unset):
            embedding = UNSET
        elif isinstance(self.embedding, list):
            embedding = self.embedding


        else:
            embedding = self.embedding


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if object_ is not UNSET:
            field_dict["object"] = object_
        if index is not UNSET:
            field_dict["index"] = index
        if embedding is not UNSET:
            field_dict["embedding"] = embedding

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = cast(Literal['embedding'] | Unset , d.pop("object", UNSET))
        if object_ != 'embedding'and not isinstance(object_, Unset):
            raise ValueError(f"object must match const 'embedding', got '{object_}'")

        index = d.pop("index", UNSET)

        def _parse_embedding(data: object) -> list[float] | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                embedding_type_0 = cast(list[float], data)

                return embedding_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[float] | str | Unset, data)

        embedding = _parse_embedding(d.pop("embedding", UNSET))


        embedding_response_data_item = cls(
            object_=object_,
            index=index,
            embedding=embedding,
        )


        embedding_response_data_item.additional_properties = d
        return embedding_response_data_item

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
