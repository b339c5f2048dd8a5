from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.tensor_metadata_datatype import TensorMetadataDatatype
from typing import cast






T = TypeVar("T", bound="TensorMetadata")



@_attrs_define
class TensorMetadata:
    """ 
        Attributes:
            name (str):
            datatype (TensorMetadataDatatype):
            shape (list[int]): -1 marks a variable dimension (the batch)
     """

    name: str
    datatype: TensorMetadataDatatype
    shape: list[int]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        name = self.name

        datatype = self.datatype.value

        shape = self.shape




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "name": name,
            "datatype": datatype,
            "shape": shape,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        datatype = TensorMetadataDatatype(d.pop("datatype"))




        shape = cast(list[int], d.pop("shape"))


        tensor_metadata = cls(
            name=name,
            datatype=datatype,
            shape=shape,
        )


        tensor_metadata.additional_properties = d
        return tensor_metadata

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
