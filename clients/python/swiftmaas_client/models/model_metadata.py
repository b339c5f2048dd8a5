from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.tensor_metadata import TensorMetadata





T = TypeVar("T", bound="ModelMetadata")



@_attrs_define
class ModelMetadata:
    """ Open Inference Protocol model metadata

        Attributes:
            name (str):
            versions (list[str]):
            platform (str): swiftmaas-<model kind>
            inputs (list[TensorMetadata]): One tensor per column for tabular models, else one tensor named input
            outputs (list[TensorMetadata]):
     """

    name: str
    versions: list[str]
    platform: str
    inputs: list[TensorMetadata]
    outputs: list[TensorMetadata]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.tensor_metadata import TensorMetadata # noqa: PLC0415
        name = self.name

        versions = self.versions



        platform = self.platform

        inputs = []
        for inputs_item_data in self.inputs:
            inputs_item = inputs_item_data.to_dict()
            inputs.append(inputs_item)



        outputs = []
        for outputs_item_data in self.outputs:
            outputs_item = outputs_item_data.to_dict()
            outputs.append(outputs_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "versions": versions,
            "platform": platform,
            "inputs": inputs,
            "outputs": outputs,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tensor_metadata import TensorMetadata # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        versions = cast(list[str], d.pop("versions"))


        platform = d.pop("platform")

        inputs = []
        _inputs = d.pop("inputs")
        for inputs_item_data in (_inputs):
            inputs_item = TensorMetadata.from_dict(inputs_item_data)



            inputs.append(inputs_item)


        outputs = []
        _outputs = d.pop("outputs")
        for outputs_item_data in (_outputs):
            outputs_item = TensorMetadata.from_dict(outputs_item_data)



            outputs.append(outputs_item)


        model_metadata = cls(
            name=name,
            versions=versions,
            platform=platform,
            inputs=inputs,
            outputs=outputs,
        )


        model_metadata.additional_properties = d
        return model_metadata

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
