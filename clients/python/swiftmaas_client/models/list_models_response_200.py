from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.model import Model





T = TypeVar("T", bound="ListModelsResponse200")



@_attrs_define
class ListModelsResponse200:
    """ 
        Attributes:
            models (list[Model] | Unset):
            next_page_token (str | Unset): Present when more items follow: pass it as page_token for the next page
     """

    models: list[Model] | Unset = UNSET
    next_page_token: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.model import Model # noqa: PLC0415
        models: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.models, Unset):
            models = []
            for models_item_data in self.models:
                models_item = models_item_data.to_dict()
                models.append(models_item)



        next_page_token = self.next_page_token


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if models is not UNSET:
            field_dict["models"] = models
        if next_page_token is not UNSET:
            field_dict["next_page_token"] = next_page_token

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model import Model # noqa: PLC0415
        d = dict(src_dict)
        _models = d.pop("models", UNSET)
        models: list[Model] | Unset = UNSET
        if _models is not UNSET:
            models = []
            for models_item_data in _models:
                models_item = Model.from_dict(models_item_data)



                models.append(models_item)


        next_page_token = d.pop("next_page_token", UNSET)

        list_models_response_200 = cls(
            models=models,
            next_page_token=next_page_token,
        )


        list_models_response_200.additional_properties = d
        return list_models_response_200

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
