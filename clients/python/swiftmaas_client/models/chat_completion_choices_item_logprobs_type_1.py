from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.chat_completion_choices_item_logprobs_type_1_content_item import ChatCompletionChoicesItemLogprobsType1ContentItem





T = TypeVar("T", bound="ChatCompletionChoicesItemLogprobsType1")



@_attrs_define
class ChatCompletionChoicesItemLogprobsType1:
    """ 
        Attributes:
            content (list[ChatCompletionChoicesItemLogprobsType1ContentItem] | Unset):
            refusal (None | Unset):
     """

    content: list[ChatCompletionChoicesItemLogprobsType1ContentItem] | Unset = UNSET
    refusal: None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.chat_completion_choices_item_logprobs_type_1_content_item import ChatCompletionChoicesItemLogprobsType1ContentItem # noqa: PLC0415
        content: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.content, Unset):
            content = []
            for content_item_data in self.content:
                content_item = content_item_data.to_dict()
                content.append(content_item)



        refusal = self.refusal


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if content is not UNSET:
            field_dict["content"] = content
        if refusal is not UNSET:
            field_dict["refusal"] = refusal

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.chat_completion_choices_item_logprobs_type_1_content_item import ChatCompletionChoicesItemLogprobsType1ContentItem # noqa: PLC0415
        d = dict(src_dict)
        _content = d.pop("content", UNSET)
        content: list[ChatCompletionChoicesItemLogprobsType1ContentItem] | Unset = UNSET
        if _content is not UNSET:
            content = []
            for content_item_data in _content:
                content_item = ChatCompletionChoicesItemLogprobsType1ContentItem.from_dict(content_item_data)



                content.append(content_item)


        refusal = d.pop("refusal", UNSET)

        chat_completion_choices_item_logprobs_type_1 = cls(
            content=content,
            refusal=refusal,
        )


        chat_completion_choices_item_logprobs_type_1.additional_properties = d
        return chat_completion_choices_item_logprobs_type_1

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
