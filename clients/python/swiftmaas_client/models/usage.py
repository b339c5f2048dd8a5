from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="Usage")



@_attrs_define
class Usage:
    """ 
        Attributes:
            key_id (str | Unset):
            requests (int | Unset):
            rows_predicted (int | Unset):
            training_seconds (float | Unset):
            prompt_tokens (int | Unset): Tokens language models read (prompts, texts embedded)
            completion_tokens (int | Unset): Tokens language models generated
            audio_seconds (float | Unset): Seconds of audio transcribed or translated
     """

    key_id: str | Unset = UNSET
    requests: int | Unset = UNSET
    rows_predicted: int | Unset = UNSET
    training_seconds: float | Unset = UNSET
    prompt_tokens: int | Unset = UNSET
    completion_tokens: int | Unset = UNSET
    audio_seconds: float | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        key_id = self.key_id

        requests = self.requests

        rows_predicted = self.rows_predicted

        training_seconds = self.training_seconds

        prompt_tokens = self.prompt_tokens

        completion_tokens = self.completion_tokens

        audio_seconds = self.audio_seconds


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if key_id is not UNSET:
            field_dict["key_id"] = key_id
        if requests is not UNSET:
            field_dict["requests"] = requests
        if rows_predicted is not UNSET:
            field_dict["rows_predicted"] = rows_predicted
        if training_seconds is not UNSET:
            field_dict["training_seconds"] = training_seconds
        if prompt_tokens is not UNSET:
            field_dict["prompt_tokens"] = prompt_tokens
        if completion_tokens is not UNSET:
            field_dict["completion_tokens"] = completion_tokens
        if audio_seconds is not UNSET:
            field_dict["audio_seconds"] = audio_seconds

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key_id = d.pop("key_id", UNSET)

        requests = d.pop("requests", UNSET)

        rows_predicted = d.pop("rows_predicted", UNSET)

        training_seconds = d.pop("training_seconds", UNSET)

        prompt_tokens = d.pop("prompt_tokens", UNSET)

        completion_tokens = d.pop("completion_tokens", UNSET)

        audio_seconds = d.pop("audio_seconds", UNSET)

        usage = cls(
            key_id=key_id,
            requests=requests,
            rows_predicted=rows_predicted,
            training_seconds=training_seconds,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            audio_seconds=audio_seconds,
        )


        usage.additional_properties = d
        return usage

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
