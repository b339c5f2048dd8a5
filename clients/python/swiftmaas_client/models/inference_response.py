from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.tensor import Tensor





T = TypeVar("T", bound="InferenceResponse")



@_attrs_define
class InferenceResponse:
    """ 
        Attributes:
            model_name (str | Unset):
            model_version (str | Unset):
            id (str | Unset):
            outputs (list[Tensor] | Unset):
     """

    model_name: str | Unset = UNSET
    model_version: str | Unset = UNSET
    id: str | Unset = UNSET
    outputs: list[Tensor] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.tensor import Tensor # noqa: PLC0415
        model_name = self.model_name

        model_version = self.model_version

        id = self.id

        outputs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.outputs, Unset):
            outputs = []
            for outputs_item_data in self.outputs:
                outputs_item = outputs_item_data.to_dict()
                outputs.append(outputs_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if model_name is not UNSET:
            field_dict["model_name"] = model_name
        if model_version is not UNSET:
            field_dict["model_version"] = model_version
        if id is not UNSET:
            field_dict["id"] = id
        if outputs is not UNSET:
            field_dict["outputs"] = outputs

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tensor import Tensor # noqa: PLC0415
        d = dict(src_dict)
        model_name = d.pop("model_name", UNSET)

        model_version = d.pop("model_version", UNSET)

        id = d.pop("id", UNSET)

        _outputs = d.pop("outputs", UNSET)
        outputs: list[Tensor] | Unset = UNSET
        if _outputs is not UNSET:
            outputs = []
            for outputs_item_data in _outputs:
                outputs_item = Tensor.from_dict(outputs_item_data)



                outputs.append(outputs_item)


        inference_response = cls(
            model_name=model_name,
            model_version=model_version,
            id=id,
            outputs=outputs,
        )


        inference_response.additional_properties = d
        return inference_response

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
