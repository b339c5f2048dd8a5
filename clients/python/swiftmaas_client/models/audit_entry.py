from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="AuditEntry")



@_attrs_define
class AuditEntry:
    """ 
        Attributes:
            sequence (int | Unset):
            at (datetime.datetime | Unset):
            actor (str | Unset):
            project (str | Unset):
            action (str | Unset):
            resource (str | Unset):
            request_id (str | Unset):
            outcome (str | Unset):
            previous_hash (str | Unset):
            hash_ (str | Unset):
     """

    sequence: int | Unset = UNSET
    at: datetime.datetime | Unset = UNSET
    actor: str | Unset = UNSET
    project: str | Unset = UNSET
    action: str | Unset = UNSET
    resource: str | Unset = UNSET
    request_id: str | Unset = UNSET
    outcome: str | Unset = UNSET
    previous_hash: str | Unset = UNSET
    hash_: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        sequence = self.sequence

        at: str | Unset = UNSET
        if not isinstance(self.at, Unset):
            at = self.at.isoformat()

        actor = self.actor

        project = self.project

        action = self.action

        resource = self.resource

        request_id = self.request_id

        outcome = self.outcome

        previous_hash = self.previous_hash

        hash_ = self.hash_


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if sequence is not UNSET:
            field_dict["sequence"] = sequence
        if at is not UNSET:
            field_dict["at"] = at
        if actor is not UNSET:
            field_dict["actor"] = actor
        if project is not UNSET:
            field_dict["project"] = project
        if action is not UNSET:
            field_dict["action"] = action
        if resource is not UNSET:
            field_dict["resource"] = resource
        if request_id is not UNSET:
            field_dict["request_id"] = request_id
        if outcome is not UNSET:
            field_dict["outcome"] = outcome
        if previous_hash is not UNSET:
            field_dict["previous_hash"] = previous_hash
        if hash_ is not UNSET:
            field_dict["hash"] = hash_

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        sequence = d.pop("sequence", UNSET)

        _at = d.pop("at", UNSET)
        at: datetime.datetime | Unset
        if isinstance(_at,  Unset):
            at = UNSET
        else:
            at = datetime.datetime.fromisoformat(_at)




        actor = d.pop("actor", UNSET)

        project = d.pop("project", UNSET)

        action = d.pop("action", UNSET)

        resource = d.pop("resource", UNSET)

        request_id = d.pop("request_id", UNSET)

        outcome = d.pop("outcome", UNSET)

        previous_hash = d.pop("previous_hash", UNSET)

        hash_ = d.pop("hash", UNSET)

        audit_entry = cls(
            sequence=sequence,
            at=at,
            actor=actor,
            project=project,
            action=action,
            resource=resource,
            request_id=request_id,
            outcome=outcome,
            previous_hash=previous_hash,
            hash_=hash_,
        )


        audit_entry.additional_properties = d
        return audit_entry

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
