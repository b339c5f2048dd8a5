from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.completion_choices_item_finish_reason import CompletionChoicesItemFinishReason
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.completion_choices_item_logprobs_type_1 import CompletionChoicesItemLogprobsType1





T = TypeVar("T", bound="CompletionChoicesItem")



@_attrs_define
class CompletionChoicesItem:
    """ 
        Attributes:
            index (int | Unset):
            text (str | Unset):
            finish_reason (CompletionChoicesItemFinishReason | Unset):
            logprobs (CompletionChoicesItemLogprobsType1 | None | Unset):
     """

    index: int | Unset = UNSET
    text: str | Unset = UNSET
    finish_reason: CompletionChoicesItemFinishReason | Unset = UNSET
    logprobs: CompletionChoicesItemLogprobsType1 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.completion_choices_item_logprobs_type_1 import CompletionChoicesItemLogprobsType1 # noqa: PLC0415
        index = self.index

        text = self.text

        finish_reason: str | Unset = UNSET
        if not isinstance(self.finish_reason, Unset):
            finish_reason = self.finish_reason.value


        logprobs: dict[str, Any] | None | Unset
        if isinstance(self.logprobs, Unset):
            logprobs = UNSET
        elif isinstance(self.logprobs, CompletionChoicesItemLogprobsType1):
            logprobs = self.logprobs.to_dict()
        else:
            logprobs = self.logprobs


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if index is not UNSET:
            field_dict["index"] = index
        if text is not UNSET:
            field_dict["text"] = text
        if finish_reason is not UNSET:
            field_dict["finish_reason"] = finish_reason
        if logprobs is not UNSET:
            field_dict["logprobs"] = logprobs

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.completion_choices_item_logprobs_type_1 import CompletionChoicesItemLogprobsType1 # noqa: PLC0415
        d = dict(src_dict)
        index = d.pop("index", UNSET)

        text = d.pop("text", UNSET)

        _finish_reason = d.pop("finish_reason", UNSET)
        finish_reason: CompletionChoicesItemFinishReason | Unset
        if isinstance(_finish_reason,  Unset):
            finish_reason = UNSET
        else:
            finish_reason = CompletionChoicesItemFinishReason(_finish_reason)




        def _parse_logprobs(data: object) -> CompletionChoicesItemLogprobsType1 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                logprobs_type_1 = CompletionChoicesItemLogprobsType1.from_dict(data)



                return logprobs_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CompletionChoicesItemLogprobsType1 | None | Unset, data)

        logprobs = _parse_logprobs(d.pop("logprobs", UNSET))


        completion_choices_item = cls(
            index=index,
            text=text,
            finish_reason=finish_reason,
            logprobs=logprobs,
        )


        completion_choices_item.additional_properties = d
        return completion_choices_item

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
