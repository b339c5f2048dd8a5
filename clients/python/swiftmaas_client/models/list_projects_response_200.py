from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.list_projects_response_200_projects_item import ListProjectsResponse200ProjectsItem





T = TypeVar("T", bound="ListProjectsResponse200")



@_attrs_define
class ListProjectsResponse200:
    """ 
        Attributes:
            projects (list[ListProjectsResponse200ProjectsItem] | Unset):
            next_page_token (str | Unset): Present when more items follow: pass it as page_token for the next page
     """

    projects: list[ListProjectsResponse200ProjectsItem] | Unset = UNSET
    next_page_token: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.list_projects_response_200_projects_item import ListProjectsResponse200ProjectsItem # noqa: PLC0415
        projects: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.projects, Unset):
            projects = []
            for projects_item_data in self.projects:
                projects_item = projects_item_data.to_dict()
                projects.append(projects_item)



        next_page_token = self.next_page_token


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if projects is not UNSET:
            field_dict["projects"] = projects
        if next_page_token is not UNSET:
            field_dict["next_page_token"] = next_page_token

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.list_projects_response_200_projects_item import ListProjectsResponse200ProjectsItem # noqa: PLC0415
        d = dict(src_dict)
        _projects = d.pop("projects", UNSET)
        projects: list[ListProjectsResponse200ProjectsItem] | Unset = UNSET
        if _projects is not UNSET:
            projects = []
            for projects_item_data in _projects:
                projects_item = ListProjectsResponse200ProjectsItem.from_dict(projects_item_data)



                projects.append(projects_item)


        next_page_token = d.pop("next_page_token", UNSET)

        list_projects_response_200 = cls(
            projects=projects,
            next_page_token=next_page_token,
        )


        list_projects_response_200.additional_properties = d
        return list_projects_response_200

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
