from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.create_translation_response_200_segments_item import CreateTranslationResponse200SegmentsItem
  from ..models.create_translation_response_200_usage import CreateTranslationResponse200Usage
  from ..models.create_translation_response_200_words_item import CreateTranslationResponse200WordsItem





T = TypeVar("T", bound="CreateTranslationResponse200")



@_attrs_define
class CreateTranslationResponse200:
    """ 
        Attributes:
            text (str):
            usage (CreateTranslationResponse200Usage | Unset):
            task (str | Unset):
            language (str | Unset):
            duration (float | Unset):
            segments (list[CreateTranslationResponse200SegmentsItem] | Unset):
            words (list[CreateTranslationResponse200WordsItem] | Unset):
     """

    text: str
    usage: CreateTranslationResponse200Usage | Unset = UNSET
    task: str | Unset = UNSET
    language: str | Unset = UNSET
    duration: float | Unset = UNSET
    segments: list[CreateTranslationResponse200SegmentsItem] | Unset = UNSET
    words: list[CreateTranslationResponse200WordsItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.create_translation_response_200_segments_item import CreateTranslationResponse200SegmentsItem # noqa: PLC0415
        from ..models.create_translation_response_200_usage import CreateTranslationResponse200Usage # noqa: PLC0415
        from ..models.create_translation_response_200_words_item import CreateTranslationResponse200WordsItem # noqa: PLC0415
        text = self.text

        usage: dict[str, Any] | Unset = UNSET
        if not isinstance(self.usage, Unset):
            usage = self.usage.to_dict()

        task = self.task

        language = self.language

        duration = self.duration

        segments: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.segments, Unset):
            segments = []
            for segments_item_data in self.segments:
                segments_item = segments_item_data.to_dict()
                segments.append(segments_item)



        words: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.words, Unset):
            words = []
            for words_item_data in self.words:
                words_item = words_item_data.to_dict()
                words.append(words_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "text": text,
        })
        if usage is not UNSET:
            field_dict["usage"] = usage
        if task is not UNSET:
            field_dict["task"] = task
        if language is not UNSET:
            field_dict["language"] = language
        if duration is not UNSET:
            field_dict["duration"] = duration
        if segments is not UNSET:
            field_dict["segments"] = segments
        if words is not UNSET:
            field_dict["words"] = words

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_translation_response_200_segments_item import CreateTranslationResponse200SegmentsItem # noqa: PLC0415
        from ..models.create_translation_response_200_usage import CreateTranslationResponse200Usage # noqa: PLC0415
        from ..models.create_translation_response_200_words_item import CreateTranslationResponse200WordsItem # noqa: PLC0415
        d = dict(src_dict)
        text = d.pop("text")

        _usage = d.pop("usage", UNSET)
        usage: CreateTranslationResponse200Usage | Unset
        if isinstance(_usage,  Unset):
            usage = UNSET
        else:
            usage = CreateTranslationResponse200Usage.from_dict(_usage)




        task = d.pop("task", UNSET)

        language = d.pop("language", UNSET)

        duration = d.pop("duration", UNSET)

        _segments = d.pop("segments", UNSET)
        segments: list[CreateTranslationResponse200SegmentsItem] | Unset = UNSET
        if _segments is not UNSET:
            segments = []
            for segments_item_data in _segments:
                segments_item = CreateTranslationResponse200SegmentsItem.from_dict(segments_item_data)



                segments.append(segments_item)


        _words = d.pop("words", UNSET)
        words: list[CreateTranslationResponse200WordsItem] | Unset = UNSET
        if _words is not UNSET:
            words = []
            for words_item_data in _words:
                words_item = CreateTranslationResponse200WordsItem.from_dict(words_item_data)



                words.append(words_item)


        create_translation_response_200 = cls(
            text=text,
            usage=usage,
            task=task,
            language=language,
            duration=duration,
            segments=segments,
            words=words,
        )


        create_translation_response_200.additional_properties = d
        return create_translation_response_200

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
