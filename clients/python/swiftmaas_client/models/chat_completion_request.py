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
  from ..models.chat_completion_request_messages_item import ChatCompletionRequestMessagesItem
  from ..models.chat_completion_request_stream_options import ChatCompletionRequestStreamOptions





T = TypeVar("T", bound="ChatCompletionRequest")



@_attrs_define
class ChatCompletionRequest:
    """ 
        Attributes:
            model (str): A deployed endpoint serving a language model
            messages (list[ChatCompletionRequestMessagesItem]):
            temperature (float | Unset):  Default: 1.0.
            top_p (float | Unset):
            top_k (int | Unset):
            max_tokens (int | Unset):
            stop (list[str] | str | Unset):
            seed (int | Unset):
            stream (bool | Unset):
            stream_options (ChatCompletionRequestStreamOptions | Unset):
            n (Literal[1] | Unset):
            user (str | Unset):
            presence_penalty (Literal[0] | Unset):
            frequency_penalty (Literal[0] | Unset):
            logprobs (bool | Unset): Each generated token's log-probability (log-softmax of the model's logits, before
                temperature) in choices[].logprobs.content (streamed: in each chunk, for its tokens)
            max_completion_tokens (int | Unset):
            top_logprobs (int | Unset): Most likely alternatives per token (needs logprobs: true)
     """

    model: str
    messages: list[ChatCompletionRequestMessagesItem]
    temperature: float | Unset = 1.0
    top_p: float | Unset = UNSET
    top_k: int | Unset = UNSET
    max_tokens: int | Unset = UNSET
    stop: list[str] | str | Unset = UNSET
    seed: int | Unset = UNSET
    stream: bool | Unset = UNSET
    stream_options: ChatCompletionRequestStreamOptions | Unset = UNSET
    n: Literal[1] | Unset = UNSET
    user: str | Unset = UNSET
    presence_penalty: Literal[0] | Unset = UNSET
    frequency_penalty: Literal[0] | Unset = UNSET
    logprobs: bool | Unset = UNSET
    max_completion_tokens: int | Unset = UNSET
    top_logprobs: int | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.chat_completion_request_messages_item import ChatCompletionRequestMessagesItem # noqa: PLC0415
        from ..models.chat_completion_request_stream_options import ChatCompletionRequestStreamOptions # noqa: PLC0415
        model = self.model

        messages = []
        for messages_item_data in self.messages:
            messages_item = messages_item_data.to_dict()
            messages.append(messages_item)



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

        logprobs = self.logprobs

        max_completion_tokens = self.max_completion_tokens

        top_logprobs = self.top_logprobs


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "model": model,
            "messages": messages,
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
        if max_completion_tokens is not UNSET:
            field_dict["max_completion_tokens"] = max_completion_tokens
        if top_logprobs is not UNSET:
            field_dict["top_logprobs"] = top_logprobs

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.chat_completion_request_messages_item import ChatCompletionRequestMessagesItem # noqa: PLC0415
        from ..models.chat_completion_request_stream_options import ChatCompletionRequestStreamOptions # noqa: PLC0415
        d = dict(src_dict)
        model = d.pop("model")

        messages = []
        _messages = d.pop("messages")
        for messages_item_data in (_messages):
            messages_item = ChatCompletionRequestMessagesItem.from_dict(messages_item_data)



            messages.append(messages_item)


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
        stream_options: ChatCompletionRequestStreamOptions | Unset
        if isinstance(_stream_options,  Unset):
            stream_options = UNSET
        else:
            stream_options = ChatCompletionRequestStreamOptions.from_dict(_stream_options)




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

        logprobs = d.pop("logprobs", UNSET)

        max_completion_tokens = d.pop("max_completion_tokens", UNSET)

        top_logprobs = d.pop("top_logprobs", UNSET)

        chat_completion_request = cls(
            model=model,
            messages=messages,
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
            max_completion_tokens=max_completion_tokens,
            top_logprobs=top_logprobs,
        )

        return chat_completion_request

