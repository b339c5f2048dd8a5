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
  from ..models.completion_request_stream_options import CompletionRequestStreamOptions





T = TypeVar("T", bound="CompletionRequest")



@_attrs_define
class CompletionRequest:
    """ 
        Attributes:
            model (str): A deployed endpoint serving a language model
            prompt (list[str] | str):
            temperature (float | Unset):  Default: 1.0.
            top_p (float | Unset):
            top_k (int | Unset):
            max_tokens (int | Unset):
            stop (list[str] | str | Unset):
            seed (int | Unset):
            stream (bool | Unset):
            stream_options (CompletionRequestStreamOptions | Unset):
            n (Literal[1] | Unset):
            user (str | Unset):
            presence_penalty (Literal[0] | Unset):
            frequency_penalty (Literal[0] | Unset):
            logprobs (int | None | Unset): Log-probabilities of the generated tokens with this many alternatives each, in
                choices[].logprobs {tokens, token_logprobs, top_logprobs, text_offset} (streamed: in each chunk, for its tokens)
            echo (bool | Unset):
     """

    model: str
    prompt: list[str] | str
    temperature: float | Unset = 1.0
    top_p: float | Unset = UNSET
    top_k: int | Unset = UNSET
    max_tokens: int | Unset = UNSET
    stop: list[str] | str | Unset = UNSET
    seed: int | Unset = UNSET
    stream: bool | Unset = UNSET
    stream_options: CompletionRequestStreamOptions | Unset = UNSET
    n: Literal[1] | Unset = UNSET
    user: str | Unset = UNSET
    presence_penalty: Literal[0] | Unset = UNSET
    frequency_penalty: Literal[0] | Unset = UNSET
    logprobs: int | None | Unset = UNSET
    echo: bool | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.completion_request_stream_options import CompletionRequestStreamOptions # noqa: PLC0415
        model = self.model

        prompt: list[str] | str
        if isinstance(self.prompt, list):
            prompt = self.prompt


        else:
            prompt = self.prompt

        temperature = self.temperature

        top_p = self.top_p

        top_k = self.top_k

        max_tokens = self.max_tokens

        stop: list[str] | str | Unset
        if isinstance(self.stop, Unset):
            stop = UNSET
        elif isinstance(self.stop, list):
            stop = self.stop


        else:
            stop = self.stop

        seed = self.seed

        stream = self.stream

        stream_options: dict[str, Any] | Unset = UNSET
        if not isinstance(self.stream_options, Unset):
            stream_options = self.stream_options.to_dict()

        n = self.n

        user = self.user

        presence_penalty = self.presence_penalty

        frequency_penalty = self.frequency_penalty

        logprobs: int | None | Unset
        if isinstance(self.logprobs, Unset):
            logprobs = UNSET
        else:
            logprobs = self.logprobs

        echo = self.echo


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "model": model,
            "prompt": prompt,
        })
        if temperature is not UNSET:
            field_dict["temperature"] = temperature
        if top_p is not UNSET:
            field_dict["top_p"] = top_p
        if top_k is not UNSET:
            field_dict["top_k"] = top_k
        if max_tokens is not UNSET:
            field_dict["max_tokens"] = max_tokens
        if stop is not UNSET:
            field_dict["stop"] = stop
        if seed is not UNSET:
            field_dict["seed"] = seed
        if stream is not UNSET:
            field_dict["stream"] = stream
        if stream_options is not UNSET:
            field_dict["stream_options"] = stream_options
        if n is not UNSET:
            field_dict["n"] = n
        if user is not UNSET:
            field_dict["user"] = user
        if presence_penalty is not UNSET:
            field_dict["presence_penalty"] = presence_penalty
        if frequency_penalty is not UNSET:
            field_dict["frequency_penalty"] = frequency_penalty
        if logprobs is not UNSET:
            field_dict["logprobs"] = logprobs
        if echo is not UNSET:
            field_dict["echo"] = echo

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.completion_request_stream_options import CompletionRequestStreamOptions # noqa: PLC0415
        d = dict(src_dict)
        model = d.pop("model")

        def _parse_prompt(data: object) -> list[str] | str:
            try:
                if not isinstance(data, list):
                    raise TypeError()
                prompt_type_1 = cast(list[str], data)

                return prompt_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | str, data)

        prompt = _parse_prompt(d.pop("prompt"))


        temperature = d.pop("temperature", UNSET)

        top_p = d.pop("top_p", UNSET)

        top_k = d.pop("top_k", UNSET)

        max_tokens = d.pop("max_tokens", UNSET)

        def _parse_stop(data: object) -> list[str] | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                stop_type_1 = cast(list[str], data)

                return stop_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | str | Unset, data)

        stop = _parse_stop(d.pop("stop", UNSET))


        seed = d.pop("seed", UNSET)

        stream = d.pop("stream", UNSET)

        _stream_options = d.pop("stream_options", UNSET)
        stream_options: CompletionRequestStreamOptions | Unset
        if isinstance(_stream_options,  Unset):
            stream_options = UNSET
        else:
            stream_options = CompletionRequestStreamOptions.from_dict(_stream_options)




        n = cast(Literal[1] | Unset , d.pop("n", UNSET))
        if n != 1and not isinstance(n, Unset):
            raise ValueError(f"n must match const 1, got '{n}'")

        user = d.pop("user", UNSET)

        presence_penalty = cast(Literal[0] | Unset , d.pop("presence_penalty", UNSET))
        if presence_penalty != 0and not isinstance(presence_penalty, Unset):
            raise ValueError(f"presence_penalty must match const 0, got '{presence_penalty}'")

        frequency_penalty = cast(Literal[0] | Unset , d.pop("frequency_penalty", UNSET))
        if frequency_penalty != 0and not isinstance(frequency_penalty, Unset):
            raise ValueError(f"frequency_penalty must match const 0, got '{frequency_penalty}'")

        def _parse_logprobs(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        logprobs = _parse_logprobs(d.pop("logprobs", UNSET))


        echo = d.pop("echo", UNSET)

        completion_request = cls(
            model=model,
            prompt=prompt,
            temperature=temperature,
            top_p=top_p,
            top_k=top_k,
            max_tokens=max_tokens,
            stop=stop,
            seed=seed,
            stream=stream,
            stream_options=stream_options,
            n=n,
            user=user,
            presence_penalty=presence_penalty,
            frequency_penalty=frequency_penalty,
            logprobs=logprobs,
            echo=echo,
        )

        return completion_request

