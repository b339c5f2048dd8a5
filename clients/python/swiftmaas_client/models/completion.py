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
  from ..models.completion_choices_item import CompletionChoicesItem
  from ..models.completion_usage import CompletionUsage





T = TypeVar("T", bound="Completion")



@_attrs_define
class Completion:
    """ 
        Attributes:
            id (str | Unset):
            object_ (Literal['text_completion'] | Unset):
            created (int | Unset):
            model (str | Unset):
            choices (list[CompletionChoicesItem] | Unset):
            usage (CompletionUsage | Unset):
     """

    id: str | Unset = UNSET
    object_: Literal['text_completion'] | Unset = UNSET
    created: int | Unset = UNSET
    model: str | Unset = UNSET
    choices: list[CompletionChoicesItem] | Unset = UNSET
    usage: CompletionUsage | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.completion_choices_item import CompletionChoicesItem # noqa: PLC0415
        from ..models.completion_usage import CompletionUsage # noqa: PLC0415
        id = self.id

        object_ = self.object_

        created = self.created

        model = self.model

        choices: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.choices, Unset):
            choices = []
            for choices_item_data in self.choices:
                choices_item = choices_item_data.to_dict()
                choices.append(choices_item)



        usage: dict[str, Any] | Unset = UNSET
        if not isinstance(self.usage, Unset):
            usage = self.usage.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if id is not UNSET:
            field_dict["id"] = id
        if object_ is not UNSET:
            field_dict["object"] = object_
        if created is not UNSET:
            field_dict["created"] = created
        if model is not UNSET:
            field_dict["model"] = model
        if choices is not UNSET:
            field_dict["choices"] = choices
        if usage is not UNSET:
            field_dict["usage"] = usage

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.completion_choices_item import CompletionChoicesItem # noqa: PLC0415
        from ..models.completion_usage import CompletionUsage # noqa: PLC0415
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        object_ = cast(Literal['text_completion'] | Unset , d.pop("object", UNSET))
        if object_ != 'text_completion'and not isinstance(object_, Unset):
            raise ValueError(f"object must match const 'text_completion', got '{object_}'")

        created = d.pop("created", UNSET)

        model = d.pop("model", UNSET)

        _choices = d.pop("choices", UNSET)
        choices: list[CompletionChoicesItem] | Unset = UNSET
        if _choices is not UNSET:
            choices = []
            for choices_item_data in _choices:
                choices_item = CompletionChoicesItem.from_dict(choices_item_data)



                choices.append(choices_item)


        _usage = d.pop("usage", UNSET)
        usage: CompletionUsage | Unset
        if isinstance(_usage,  Unset):
            usage = UNSET
        else:
            usage = CompletionUsage.from_dict(_usage)




        completion = cls(
            id=id,
            object_=object_,
            created=created,
            model=model,
            choices=choices,
            usage=usage,
        )


        completion.additional_properties = d
        return completion

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
