from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.completion_choices_item_logprobs_type_1_top_logprobs_item import CompletionChoicesItemLogprobsType1TopLogprobsItem





T = TypeVar("T", bound="CompletionChoicesItemLogprobsType1")



@_attrs_define
class CompletionChoicesItemLogprobsType1:
    """ 
        Attributes:
            tokens (list[str] | Unset):
            token_logprobs (list[float] | Unset):
            top_logprobs (list[CompletionChoicesItemLogprobsType1TopLogprobsItem] | Unset):
            text_offset (list[int] | Unset):
     """

    tokens: list[str] | Unset = UNSET
    token_logprobs: list[float] | Unset = UNSET
    top_logprobs: list[CompletionChoicesItemLogprobsType1TopLogprobsItem] | Unset = UNSET
    text_offset: list[int] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.completion_choices_item_logprobs_type_1_top_logprobs_item import CompletionChoicesItemLogprobsType1TopLogprobsItem # noqa: PLC0415
        tokens: list[str] | Unset = UNSET
        if not isinstance(self.tokens, Unset):
            tokens = self.tokens



        token_logprobs: list[float] | Unset = UNSET
        if not isinstance(self.token_logprobs, Unset):
            token_logprobs = self.token_logprobs



        top_logprobs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.top_logprobs, Unset):
            top_logprobs = []
            for top_logprobs_item_data in self.top_logprobs:
                top_logprobs_item = top_logprobs_item_data.to_dict()
                top_logprobs.append(top_logprobs_item)



        text_offset: list[int] | Unset = UNSET
        if not isinstance(self.text_offset, Unset):
            text_offset = self.text_offset




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if tokens is not UNSET:
            field_dict["tokens"] = tokens
        if token_logprobs is not UNSET:
            field_dict["token_logprobs"] = token_logprobs
        if top_logprobs is not UNSET:
            field_dict["top_logprobs"] = top_logprobs
        if text_offset is not UNSET:
            field_dict["text_offset"] = text_offset

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.completion_choices_item_logprobs_type_1_top_logprobs_item import CompletionChoicesItemLogprobsType1TopLogprobsItem # noqa: PLC0415
        d = dict(src_dict)
        tokens = cast(list[str], d.pop("tokens", UNSET))


        token_logprobs = cast(list[float], d.pop("token_logprobs", UNSET))


        _top_logprobs = d.pop("top_logprobs", UNSET)
        top_logprobs: list[CompletionChoicesItemLogprobsType1TopLogprobsItem] | Unset = UNSET
        if _top_logprobs is not UNSET:
            top_logprobs = []
            for top_logprobs_item_data in _top_logprobs:
                top_logprobs_item = CompletionChoicesItemLogprobsType1TopLogprobsItem.from_dict(top_logprobs_item_data)



                top_logprobs.append(top_logprobs_item)


        text_offset = cast(list[int], d.pop("text_offset", UNSET))


        completion_choices_item_logprobs_type_1 = cls(
            tokens=tokens,
            token_logprobs=token_logprobs,
            top_logprobs=top_logprobs,
            text_offset=text_offset,
        )


        completion_choices_item_logprobs_type_1.additional_properties = d
        return completion_choices_item_logprobs_type_1

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
