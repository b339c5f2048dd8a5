from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="Batching")



@_attrs_define
class Batching:
    """ 
        Attributes:
            max_batch_size (int | Unset):  Default: 64.
            max_delay_us (int | Unset): 0: greedy batching (no added delay) Default: 0.
            max_queue (int | Unset):  Default: 512.
     """

    max_batch_size: int | Unset = 64
    max_delay_us: int | Unset = 0
    max_queue: int | Unset = 512





    def to_dict(self) -> dict[str, Any]:
        max_batch_size = self.max_batch_size

        max_delay_us = self.max_delay_us

        max_queue = self.max_queue


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if max_batch_size is not UNSET:
            field_dict["max_batch_size"] = max_batch_size
        if max_delay_us is not UNSET:
            field_dict["max_delay_us"] = max_delay_us
        if max_queue is not UNSET:
            field_dict["max_queue"] = max_queue

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        max_batch_size = d.pop("max_batch_size", UNSET)

        max_delay_us = d.pop("max_delay_us", UNSET)

        max_queue = d.pop("max_queue", UNSET)

        batching = cls(
            max_batch_size=max_batch_size,
            max_delay_us=max_delay_us,
            max_queue=max_queue,
        )

        return batching

