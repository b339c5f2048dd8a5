from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="CreateTranscriptionResponse200WordsItem")



@_attrs_define
class CreateTranscriptionResponse200WordsItem:
    """ 
        Attributes:
            word (str | Unset):
            start (float | Unset):
            end (float | Unset):
            probability (float | Unset):
     """

    word: str | Unset = UNSET
    start: float | Unset = UNSET
    end: float | Unset = UNSET
    probability: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        word = self.word

        start = self.start

        end = self.end

        probability = self.probability


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if word is not UNSET:
            field_dict["word"] = word
        if start is not UNSET:
            field_dict["start"] = start
        if end is not UNSET:
            field_dict["end"] = end
        if probability is not UNSET:
            field_dict["probability"] = probability

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        word = d.pop("word", UNSET)

        start = d.pop("start", UNSET)

        end = d.pop("end", UNSET)

        probability = d.pop("probability", UNSET)

        create_transcription_response_200_words_item = cls(
            word=word,
            start=start,
            end=end,
            probability=probability,
        )


        create_transcription_response_200_words_item.additional_properties = d
        return create_transcription_response_200_words_item

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
