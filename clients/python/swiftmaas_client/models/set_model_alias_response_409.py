from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.set_model_alias_response_409_error import SetModelAliasResponse409Error
  from ..models.set_model_alias_response_409_evaluation import SetModelAliasResponse409Evaluation





T = TypeVar("T", bound="SetModelAliasResponse409")



@_attrs_define
class SetModelAliasResponse409:
    """ 
        Attributes:
            error (SetModelAliasResponse409Error):
            evaluation (SetModelAliasResponse409Evaluation):
            request_id (str | Unset):
     """

    error: SetModelAliasResponse409Error
    evaluation: SetModelAliasResponse409Evaluation
    request_id: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.set_model_alias_response_409_error import SetModelAliasResponse409Error # noqa: PLC0415
        from ..models.set_model_alias_response_409_evaluation import SetModelAliasResponse409Evaluation # noqa: PLC0415
        error = self.error.to_dict()

        evaluation = self.evaluation.to_dict()

        request_id = self.request_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "error": error,
            "evaluation": evaluation,
        })
        if request_id is not UNSET:
            field_dict["request_id"] = request_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.set_model_alias_response_409_error import SetModelAliasResponse409Error # noqa: PLC0415
        from ..models.set_model_alias_response_409_evaluation import SetModelAliasResponse409Evaluation # noqa: PLC0415
        d = dict(src_dict)
        error = SetModelAliasResponse409Error.from_dict(d.pop("error"))




        evaluation = SetModelAliasResponse409Evaluation.from_dict(d.pop("evaluation"))




        request_id = d.pop("request_id", UNSET)

        set_model_alias_response_409 = cls(
            error=error,
            evaluation=evaluation,
            request_id=request_id,
        )


        set_model_alias_response_409.additional_properties = d
        return set_model_alias_response_409

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
