from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.chat_completion_choices_item_finish_reason import ChatCompletionChoicesItemFinishReason
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.chat_completion_choices_item_logprobs_type_1 import ChatCompletionChoicesItemLogprobsType1
  from ..models.chat_completion_choices_item_message import ChatCompletionChoicesItemMessage





T = TypeVar("T", bound="ChatCompletionChoicesItem")



@_attrs_define
class ChatCompletionChoicesItem:
    """ 
        Attributes:
            index (int | Unset):
            message (ChatCompletionChoicesItemMessage | Unset):
            finish_reason (ChatCompletionChoicesItemFinishReason | Unset):
            logprobs (ChatCompletionChoicesItemLogprobsType1 | None | Unset):
     """

    index: int | Unset = UNSET
    message: ChatCompletionChoicesItemMessage | Unset = UNSET
    finish_reason: ChatCompletionChoicesItemFinishReason | Unset = UNSET
    logprobs: ChatCompletionChoicesItemLogprobsType1 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.chat_completion_choices_item_logprobs_type_1 import ChatCompletionChoicesItemLogprobsType1 # noqa: PLC0415
        from ..models.chat_completion_choices_item_message import ChatCompletionChoicesItemMessage # noqa: PLC0415
        index = self.index

        message: dict[str, Any] | Unset = UNSET
        if not isinstance(self.message, Unset):
            message = self.message.to_dict()

        finish_reason: str | Unset = UNSET
        if not isinstance(self.finish_reason, Unset):
            finish_reason = self.finish_reason.value


        logprobs: dict[str, Any] | None | Unset
        if isinstance(self.logprobs, Unset):
            logprobs = UNSET
        elif isinstance(self.logprobs, ChatCompletionChoicesItemLogprobsType1):
            logprobs = self.logprobs.to_dict()
        else:
            logprobs = self.logprobs


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if index is not UNSET:
            field_dict["index"] = index
        if message is not UNSET:
            field_dict["message"] = message
        if finish_reason is not UNSET:
            field_dict["finish_reason"] = finish_reason
        if logprobs is not UNSET:
            field_dict["logprobs"] = logprobs

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.chat_completion_choices_item_logprobs_type_1 import ChatCompletionChoicesItemLogprobsType1 # noqa: PLC0415
        from ..models.chat_completion_choices_item_message import ChatCompletionChoicesItemMessage # noqa: PLC0415
        d = dict(src_dict)
        index = d.pop("index", UNSET)

        _message = d.pop("message", UNSET)
        message: ChatCompletionChoicesItemMessage | Unset
        if isinstance(_message,  Unset):
            message = UNSET
        else:
            message = ChatCompletionChoicesItemMessage.from_dict(_message)




        _finish_reason = d.pop("finish_reason", UNSET)
        finish_reason: ChatCompletionChoicesItemFinishReason | Unset
        if isinstance(_finish_reason,  Unset):
            finish_reason = UNSET
        else:
            finish_reason = ChatCompletionChoicesItemFinishReason(_finish_reason)




        def _parse_logprobs(data: object) -> ChatCompletionChoicesItemLogprobsType1 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                logprobs_type_1 = ChatCompletionChoicesItemLogprobsType1.from_dict(data)



                return logprobs_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ChatCompletionChoicesItemLogprobsType1 | None | Unset, data)

        logprobs = _parse_logprobs(d.pop("logprobs", UNSET))


        chat_completion_choices_item = cls(
            index=index,
            message=message,
            finish_reason=finish_reason,
            logprobs=logprobs,
        )


        chat_completion_choices_item.additional_properties = d
        return chat_completion_choices_item

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
