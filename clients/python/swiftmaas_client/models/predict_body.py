from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.predict_body_instances_item_type_0 import PredictBodyInstancesItemType0





T = TypeVar("T", bound="PredictBody")



@_attrs_define
class PredictBody:
    """ 
        Attributes:
            instances (list[list[float] | PredictBodyInstancesItemType0 | str]):
            signature_name (str | Unset):
     """

    instances: list[list[float] | PredictBodyInstancesItemType0 | str]
    signature_name: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.predict_body_instances_item_type_0 import PredictBodyInstancesItemType0 # noqa: PLC0415
        instances = []
        for instances_item_data in self.instances:
            instances_item: dict[str, Any] | list[float] | str
            if isinstance(instances_item_data, PredictBodyInstancesItemType0):
                instances_item = instances_item_data.to_dict()
            elif isinstance(instances_item_data, list):
                instances_item = instances_item_data


            else:
                instances_item = instances_item_data
            instances.append(instances_item)



        signature_name = self.signature_name


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "instances": instances,
        })
        if signature_name is not UNSET:
            field_dict["signature_name"] = signature_name

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.predict_body_instances_item_type_0 import PredictBodyInstancesItemType0 # noqa: PLC0415
        d = dict(src_dict)
        instances = []
        _instances = d.pop("instances")
        for instances_item_data in (_instances):
            def _parse_instances_item(data: object) -> list[float] | PredictBodyInstancesItemType0 | str:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    instances_item_type_0 = PredictBodyInstancesItemType0.from_dict(data)



                    return instances_item_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, list):
                        raise TypeError()
                    instances_item_type_2 = cast(list[float], data)

                    return instances_item_type_2
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                return cast(list[float] | PredictBodyInstancesItemType0 | str, data)

            instances_item = _parse_instances_item(instances_item_data)

            instances.append(instances_item)


        signature_name = d.pop("signature_name", UNSET)

        predict_body = cls(
            instances=instances,
            signature_name=signature_name,
        )

        return predict_body

