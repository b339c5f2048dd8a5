from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.tensor_datatype import TensorDatatype
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.tensor_parameters import TensorParameters





T = TypeVar("T", bound="Tensor")



@_attrs_define
class Tensor:
    """ 
        Attributes:
            name (str):
            shape (list[int]):
            datatype (TensorDatatype):
            data (list[Any]):
            parameters (TensorParameters | Unset):
     """

    name: str
    shape: list[int]
    datatype: TensorDatatype
    data: list[Any]
    parameters: TensorParameters | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.tensor_parameters import TensorParameters # noqa: PLC0415
        name = self.name

        shape = self.shape



        datatype = self.datatype.value

        data = self.data



        parameters: dict[str, Any] | Unset = UNSET
        if not isinstance(self.parameters, Unset):
            parameters = self.parameters.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "shape": shape,
            "datatype": datatype,
            "data": data,
        })
        if parameters is not UNSET:
            field_dict["parameters"] = parameters

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tensor_parameters import TensorParameters # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name")

        shape = cast(list[int], d.pop("shape"))


        datatype = TensorDatatype(d.pop("datatype"))




        data = cast(list[Any], d.pop("data"))


        _parameters = d.pop("parameters", UNSET)
        parameters: TensorParameters | Unset
        if isinstance(_parameters,  Unset):
            parameters = UNSET
        else:
            parameters = TensorParameters.from_dict(_parameters)




        tensor = cls(
            name=name,
            shape=shape,
            datatype=datatype,
            data=data,
            parameters=parameters,
        )


        tensor.additional_properties = d
        return tensor

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
