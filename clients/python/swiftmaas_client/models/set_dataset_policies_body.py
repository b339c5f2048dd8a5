from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.set_dataset_policies_body_policies_type_0 import SetDatasetPoliciesBodyPoliciesType0





T = TypeVar("T", bound="SetDatasetPoliciesBody")



@_attrs_define
class SetDatasetPoliciesBody:
    """ 
        Attributes:
            policies (None | SetDatasetPoliciesBodyPoliciesType0): Column → policy; null or {} removes every policy
     """

    policies: None | SetDatasetPoliciesBodyPoliciesType0





    def to_dict(self) -> dict[str, Any]:
        from ..models.set_dataset_policies_body_policies_type_0 import SetDatasetPoliciesBodyPoliciesType0 # noqa: PLC0415
        policies: dict[str, Any] | None
        if isinstance(self.policies, SetDatasetPoliciesBodyPoliciesType0):
            policies = self.policies.to_dict()
        else:
            policies = self.policies


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "policies": policies,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.set_dataset_policies_body_policies_type_0 import SetDatasetPoliciesBodyPoliciesType0 # noqa: PLC0415
        d = dict(src_dict)
        def _parse_policies(data: object) -> None | SetDatasetPoliciesBodyPoliciesType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                policies_type_0 = SetDatasetPoliciesBodyPoliciesType0.from_dict(data)



                return policies_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SetDatasetPoliciesBodyPoliciesType0, data)

        policies = _parse_policies(d.pop("policies"))


        set_dataset_policies_body = cls(
            policies=policies,
        )

        return set_dataset_policies_body

