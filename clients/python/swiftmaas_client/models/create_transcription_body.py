from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field
import json
from .. import types

from ..types import UNSET, Unset

from ..models.create_transcription_body_response_format import CreateTranscriptionBodyResponseFormat
from ..models.create_transcription_body_stream import CreateTranscriptionBodyStream
from ..models.create_transcription_body_timestamp_granularities_item import CreateTranscriptionBodyTimestampGranularitiesItem
from ..types import File, FileTypes
from ..types import UNSET, Unset
from io import BytesIO
from typing import cast






T = TypeVar("T", bound="CreateTranscriptionBody")



@_attrs_define
class CreateTranscriptionBody:
    """ 
        Attributes:
            file (File): Audio: WAV (PCM 8/16/24/32-bit or float 32/64-bit, read natively), or FLAC, MP3, Ogg Vorbis/Opus,
                AIFF and WAV ADPCM/A-law/µ-law through libsndfile; any sample rate, any channel count (mixed to mono)
            model (str): A deployed speech endpoint
            language (str | Unset): Language code of the speech (multilingual models; default: detected)
            prompt (str | Unset): Text that precedes the audio (earlier words, names and spellings to prefer), as Whisper's
                initial prompt
            temperature (float | Unset): 0 (default): Whisper's fallback through higher temperatures; above 0: that
                temperature only
            response_format (CreateTranscriptionBodyResponseFormat | Unset):  Default:
                CreateTranscriptionBodyResponseFormat.JSON.
            timestamp_granularities (list[CreateTranscriptionBodyTimestampGranularitiesItem] | Unset): segment and/or word
                (verbose_json only): word adds a words array with each word's start, end and probability, from the alignment
                heads' cross-attention
            stream (CreateTranscriptionBodyStream | Unset): Server-Sent Events: transcript.text.delta per segment, then
                transcript.text.done
            beam_size (int | Unset): Beams searched at temperature 0 (1: greedy; 5: faster-whisper's default). Not an OpenAI
                field. Default: 1.
     """

    file: File
    model: str
    language: str | Unset = UNSET
    prompt: str | Unset = UNSET
    temperature: float | Unset = UNSET
    response_format: CreateTranscriptionBodyResponseFormat | Unset = CreateTranscriptionBodyResponseFormat.JSON
    timestamp_granularities: list[CreateTranscriptionBodyTimestampGranularitiesItem] | Unset = UNSET
    stream: CreateTranscriptionBodyStream | Unset = UNSET
    beam_size: int | Unset = 1
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()


        model = self.model

        language = self.language

        prompt = self.prompt

        temperature = self.temperature

        response_format: str | Unset = UNSET
        if not isinstance(self.response_format, Unset):
            response_format = self.response_format.value


        timestamp_granularities: list[str] | Unset = UNSET
        if not isinstance(self.timestamp_granularities, Unset):
            timestamp_granularities = []
            for timestamp_granularities_item_data in self.timestamp_granularities:
                timestamp_granularities_item = timestamp_granularities_item_data.value
                timestamp_granularities.append(timestamp_granularities_item)



        stream: str | Unset = UNSET
        if not isinstance(self.stream, Unset):
            stream = self.stream.value


        beam_size = self.beam_size


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "file": file,
            "model": model,
        })
        if language is not UNSET:
            field_dict["language"] = language
        if prompt is not UNSET:
            field_dict["prompt"] = prompt
        if temperature is not UNSET:
            field_dict["temperature"] = temperature
        if response_format is not UNSET:
            field_dict["response_format"] = response_format
        if timestamp_granularities is not UNSET:
            field_dict["timestamp_granularities[]"] = timestamp_granularities
        if stream is not UNSET:
            field_dict["stream"] = stream
        if beam_size is not UNSET:
            field_dict["beam_size"] = beam_size

        return field_dict


    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))



        files.append(("model", (None, str(self.model).encode(), "text/plain")))



        if not isinstance(self.language, Unset):
            files.append(("language", (None, str(self.language).encode(), "text/plain")))



        if not isinstance(self.prompt, Unset):
            files.append(("prompt", (None, str(self.prompt).encode(), "text/plain")))



        if not isinstance(self.temperature, Unset):
            files.append(("temperature", (None, str(self.temperature).encode(), "text/plain")))



        if not isinstance(self.response_format, Unset):
            files.append(("response_format",  (None, str(self.response_format.value).encode(), "text/plain")))



        if not isinstance(self.timestamp_granularities, Unset):
            for timestamp_granularities_item_element in self.timestamp_granularities:
                files.append(("timestamp_granularities[]",  (None, str(timestamp_granularities_item_element.value).encode(), "text/plain")))




        if not isinstance(self.stream, Unset):
            files.append(("stream",  (None, str(self.stream.value).encode(), "text/plain")))



        if not isinstance(self.beam_size, Unset):
            files.append(("beam_size", (None, str(self.beam_size).encode(), "text/plain")))




        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))



        return files


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(
             payload = BytesIO(d.pop("file"))
        )




        model = d.pop("model")

        language = d.pop("language", UNSET)

        prompt = d.pop("prompt", UNSET)

        temperature = d.pop("temperature", UNSET)

        _response_format = d.pop("response_format", UNSET)
        response_format: CreateTranscriptionBodyResponseFormat | Unset
        if isinstance(_response_format,  Unset):
            response_format = UNSET
        else:
            response_format = CreateTranscriptionBodyResponseFormat(_response_format)




        _timestamp_granularities = d.pop("timestamp_granularities[]", UNSET)
        timestamp_granularities: list[CreateTranscriptionBodyTimestampGranularitiesItem] | Unset = UNSET
        if _timestamp_granularities is not UNSET:
            timestamp_granularities = []
            for timestamp_granularities_item_data in _timestamp_granularities:
                timestamp_granularities_item = CreateTranscriptionBodyTimestampGranularitiesItem(timestamp_granularities_item_data)



                timestamp_granularities.append(timestamp_granularities_item)


        _stream = d.pop("stream", UNSET)
        stream: CreateTranscriptionBodyStream | Unset
        if isinstance(_stream,  Unset):
            stream = UNSET
        else:
            stream = CreateTranscriptionBodyStream(_stream)




        beam_size = d.pop("beam_size", UNSET)

        create_transcription_body = cls(
            file=file,
            model=model,
            language=language,
            prompt=prompt,
            temperature=temperature,
            response_format=response_format,
            timestamp_granularities=timestamp_granularities,
            stream=stream,
            beam_size=beam_size,
        )


        create_transcription_body.additional_properties = d
        return create_transcription_body

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
