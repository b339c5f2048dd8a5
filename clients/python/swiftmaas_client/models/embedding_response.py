from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.embedding_response_data_item import EmbeddingResponseDataItem
  from ..models.embedding_response_usage import EmbeddingResponseUsage





T = TypeVar("T", bound="EmbeddingResponse")



@_attrs_define
class EmbeddingResponse:
    """ 
        Attributes:
            object_ (Literal['list'] | Unset):
            model (str | Unset):
            data (list[EmbeddingResponseDataItem] | Unset):
            usage (EmbeddingResponseUsage | Unset):
     """

    object_: Literal['list'] | Unset = UNSET
    model: str | Unset = UNSET
    data: list[EmbeddingResponseDataItem] | Unset = UNSET
    usage: EmbeddingResponseUsage | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.embedding_response_data_item import EmbeddingResponseDataItem # noqa: PLC0415
        from ..models.embedding_response_usage import EmbeddingResponseUsage # noqa: PLC0415
        object_ = self.object_

        model = self.model

        data: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = []
            for data_item_data in self.data:
                data_item = data_item_data.to_dict()
                data.append(data_item)



        usage: dict[str, Any] | Unset = UNSET
        if not isinstance(self.usage, Unset):
            usage = self.usage.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if object_ is not UNSET:
            field_dict["object"] = object_
        if model is not UNSET:
            field_dict["model"] = model
        if data is not UNSET:
            field_dict["data"] = data
        if usage is not UNSET:
            field_dict["usage"] = usage

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.embedding_response_data_item import EmbeddingResponseDataItem # noqa: PLC0415
        from ..models.embedding_response_usage import EmbeddingResponseUsage # noqa: PLC0415
        d = dict(src_dict)
        object_ = cast(Literal['list'] | Unset , d.pop("object", UNSET))
        if object_ != 'list'and not isinstance(object_, Unset):
            raise ValueError(f"object must match const 'list', got '{object_}'")

        model = d.pop("model", UNSET)

        _data = d.pop("data", UNSET)
        data: list[EmbeddingResponseDataItem] | Unset = UNSET
        if _data is not UNSET:
            data = []
            for data_item_data in _data:
                data_item = EmbeddingResponseDataItem.from_dict(data_item_data)



                data.append(data_item)


        _usage = d.pop("usage", UNSET)
        usage: EmbeddingResponseUsage | Unset
        if isinstance(_usage,  Unset):
            usage = UNSET
        else:
            usage = EmbeddingResponseUsage.from_dict(_usage)




        embedding_response = cls(
            object_=object_,
            model=model,
            data=data,
            usage=usage,
        )


        embedding_response.additional_properties = d
        return embedding_response

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
