from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.recommend_body_fallback import RecommendBodyFallback
from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.recommend_body_items_type_1 import RecommendBodyItemsType1





T = TypeVar("T", bound="RecommendBody")



@_attrs_define
class RecommendBody:
    """ 
        Attributes:
            user (str | Unset): A user id seen in training
            items (list[str] | RecommendBodyItemsType1 | Unset): A new user's chosen items (each counts 1), or item id to
                rating/weight
            k (int | Unset): How many items (default 10)
            exclude_seen (bool | Unset):
            fallback (RecommendBodyFallback | Unset):
     """

    user: str | Unset = UNSET
    items: list[str] | RecommendBodyItemsType1 | Unset = UNSET
    k: int | Unset = UNSET
    exclude_seen: bool | Unset = UNSET
    fallback: RecommendBodyFallback | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.recommend_body_items_type_1 import RecommendBodyItemsType1 # noqa: PLC0415
        user = self.user

        items: dict[str, Any] | list[str] | Unset
        if isinstance(self.items, Unset):
            items = UNSET
        elif isinstance(self.items, list):
            items = self.items


        else:
            items = self.items.to_dict()


        k = self.k

        exclude_seen = self.exclude_seen

        fallback: str | Unset = UNSET
        if not isinstance(self.fallback, Unset):
            fallback = self.fallback.value



        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if user is not UNSET:
            field_dict["user"] = user
        if items is not UNSET:
            field_dict["items"] = items
        if k is not UNSET:
            field_dict["k"] = k
        if exclude_seen is not UNSET:
            field_dict["exclude_seen"] = exclude_seen
        if fallback is not UNSET:
            field_dict["fallback"] = fallback

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.recommend_body_items_type_1 import RecommendBodyItemsType1 # noqa: PLC0415
        d = dict(src_dict)
        user = d.pop("user", UNSET)

        def _parse_items(data: object) -> list[str] | RecommendBodyItemsType1 | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                items_type_0 = cast(list[str], data)

                return items_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            items_type_1 = RecommendBodyItemsType1.from_dict(data)



            return items_type_1

        items = _parse_items(d.pop("items", UNSET))


        k = d.pop("k", UNSET)

        exclude_seen = d.pop("exclude_seen", UNSET)

        _fallback = d.pop("fallback", UNSET)
        fallback: RecommendBodyFallback | Unset
        if isinstance(_fallback,  Unset):
            fallback = UNSET
        else:
            fallback = RecommendBodyFallback(_fallback)




        recommend_body = cls(
            user=user,
            items=items,
            k=k,
            exclude_seen=exclude_seen,
            fallback=fallback,
        )

        return recommend_body

