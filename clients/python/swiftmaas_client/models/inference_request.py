from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.inference_request_parameters import InferenceRequestParameters
  from ..models.tensor import Tensor





T = TypeVar("T", bound="InferenceRequest")



@_attrs_define
class InferenceRequest:
    """ 
        Attributes:
            inputs (list[Tensor]):
            id (str | Unset):
            outputs (list[Any] | Unset):
            parameters (InferenceRequestParameters | Unset):
     """

    inputs: list[Tensor]
    id: str | Unset = UNSET
    outputs: list[Any] | Unset = UNSET
    parameters: InferenceRequestParameters | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.inference_request_parameters import InferenceRequestParameters # noqa: PLC0415
        from ..models.tensor import Tensor # noqa: PLC0415
        inputs = []
        for inputs_item_data in self.inputs:
            inputs_item = inputs_item_data.to_dict()
            inputs.append(inputs_item)



        id = self.id

        outputs: list[Any] | Unset = UNSET
        if not isinstance(self.outputs, Unset):
            outputs = self.outputs



        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "inputs": inputs,
        })
        if id is not UNSET:
            field_dict["id"] = id
        if outputs is not UNSET:
            field_dict["outputs"] = outputs
        if parameters is not UNSET:
            field_dict["parameters"] = parameters

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.inference_request_parameters import InferenceRequestParameters # noqa: PLC0415
        from ..models.tensor import Tensor # noqa: PLC0415
        d = dict(src_dict)
        inputs = []
        _inputs = d.pop("inputs")
        for inputs_item_data in (_inputs):
            inputs_item = Tensor.from_dict(inputs_item_data)



            inputs.append(inputs_item)


        id = d.pop("id", UNSET)

        outputs = cast(list[Any], d.pop("outputs", UNSET))


        _parameters = d.pop("parameters", UNSET)
        parameters: InferenceRequestParameters | Unset
        if isinstance(_parameters,  Unset):
            parameters = UNSET
        else:
            parameters = InferenceRequestParameters.from_dict(_parameters)




        inference_request = cls(
            inputs=inputs,
            id=id,
            outputs=outputs,
            parameters=parameters,
        )

        return inference_request

