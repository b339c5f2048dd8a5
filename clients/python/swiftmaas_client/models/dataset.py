from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.dataset_personal_data_item import DatasetPersonalDataItem
  from ..models.dataset_policies import DatasetPolicies
  from ..models.dataset_schema import DatasetSchema
  from ..models.tombstone import Tombstone





T = TypeVar("T", bound="Dataset")



@_attrs_define
class Dataset:
    """ 
        Attributes:
            name (str | Unset):
            format_ (str | Unset):
            sha256 (str | Unset):
            bytes_ (int | Unset):
            rows (int | Unset):
            created_at (datetime.datetime | Unset):
            schema (DatasetSchema | Unset): Shown by GET /v1/datasets/{name}: the inferred column types and statistics (with
                the column policies applied)
            preview (list[list[None | str]] | Unset):
            version (int | Unset): 1 for the first upload; each replacement or record erasure writes the next
            policies (DatasetPolicies | Unset): Column policies: drop, mask, hash, generalize[:width]
            preview_masked (bool | Unset): True for keys that may not see raw values (viewers): every value masked
            personal_data (list[DatasetPersonalDataItem] | Unset):
            replaced (Tombstone | Unset):
     """

    name: str | Unset = UNSET
    format_: str | Unset = UNSET
    sha256: str | Unset = UNSET
    bytes_: int | Unset = UNSET
    rows: int | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    schema: DatasetSchema | Unset = UNSET
    preview: list[list[None | str]] | Unset = UNSET
    version: int | Unset = UNSET
    policies: DatasetPolicies | Unset = UNSET
    preview_masked: bool | Unset = UNSET
    personal_data: list[DatasetPersonalDataItem] | Unset = UNSET
    replaced: Tombstone | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.dataset_personal_data_item import DatasetPersonalDataItem # noqa: PLC0415
        from ..models.dataset_policies import DatasetPolicies # noqa: PLC0415
        from ..models.dataset_schema import DatasetSchema # noqa: PLC0415
        from ..models.tombstone import Tombstone # noqa: PLC0415
        name = self.name

        format_ = self.format_

        sha256 = self.sha256

        bytes_ = self.bytes_

        rows = self.rows

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        schema: dict[str, Any] | Unset = UNSET
        if not isinstance(self.schema, Unset):
            schema = self.schema.to_dict()

        preview: list[list[None | str]] | Unset = UNSET
        if not isinstance(self.preview, Unset):
            preview = []
            for preview_item_data in self.preview:
                preview_item = []
                for preview_item_item_data in preview_item_data:
                    preview_item_item: None | str
                    preview_item_item = preview_item_item_data
                    preview_item.append(preview_item_item)


                preview.append(preview_item)



        version = self.version

        policies: dict[str, Any] | Unset = UNSET
        if not isinstance(self.policies, Unset):
            policies = self.policies.to_dict()

        preview_masked = self.preview_masked

        personal_data: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.personal_data, Unset):
            personal_data = []
            for personal_data_item_data in self.personal_data:
                personal_data_item = personal_data_item_data.to_dict()
                personal_data.append(personal_data_item)



        replaced: dict[str, Any] | Unset = UNSET
        if not isinstance(self.replaced, Unset):
            replaced = self.replaced.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if name is not UNSET:
            field_dict["name"] = name
        if format_ is not UNSET:
            field_dict["format"] = format_
        if sha256 is not UNSET:
            field_dict["sha256"] = sha256
        if bytes_ is not UNSET:
            field_dict["bytes"] = bytes_
        if rows is not UNSET:
            field_dict["rows"] = rows
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if schema is not UNSET:
            field_dict["schema"] = schema
        if preview is not UNSET:
            field_dict["preview"] = preview
        if version is not UNSET:
            field_dict["version"] = version
        if policies is not UNSET:
            field_dict["policies"] = policies
        if preview_masked is not UNSET:
            field_dict["preview_masked"] = preview_masked
        if personal_data is not UNSET:
            field_dict["personal_data"] = personal_data
        if replaced is not UNSET:
            field_dict["replaced"] = replaced

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dataset_personal_data_item import DatasetPersonalDataItem # noqa: PLC0415
        from ..models.dataset_policies import DatasetPolicies # noqa: PLC0415
        from ..models.dataset_schema import DatasetSchema # noqa: PLC0415
        from ..models.tombstone import Tombstone # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        format_ = d.pop("format", UNSET)

        sha256 = d.pop("sha256", UNSET)

        bytes_ = d.pop("bytes", UNSET)

        rows = d.pop("rows", UNSET)

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at,  Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)




        _schema = d.pop("schema", UNSET)
        schema: DatasetSchema | Unset
        if isinstance(_schema,  Unset):
            schema = UNSET
        else:
            schema = DatasetSchema.from_dict(_schema)




        _preview = d.pop("preview", UNSET)
        preview: list[list[None | str]] | Unset = UNSET
        if _preview is not UNSET:
            preview = []
            for preview_item_data in _preview:
                preview_item = []
                _preview_item = preview_item_data
                for preview_item_item_data in (_preview_item):
                    def _parse_preview_item_item(data: object) -> None | str:
                        if data is None:
                            return data
                        return cast(None | str, data)

                    preview_item_item = _parse_preview_item_item(preview_item_item_data)

                    preview_item.append(preview_item_item)

                preview.append(preview_item)


        version = d.pop("version", UNSET)

        _policies = d.pop("policies", UNSET)
        policies: DatasetPolicies | Unset
        if isinstance(_policies,  Unset):
            policies = UNSET
        else:
            policies = DatasetPolicies.from_dict(_policies)




        preview_masked = d.pop("preview_masked", UNSET)

        _personal_data = d.pop("personal_data", UNSET)
        personal_data: list[DatasetPersonalDataItem] | Unset = UNSET
        if _personal_data is not UNSET:
            personal_data = []
            for personal_data_item_data in _personal_data:
                personal_data_item = DatasetPersonalDataItem.from_dict(personal_data_item_data)



                personal_data.append(personal_data_item)


        _replaced = d.pop("replaced", UNSET)
        replaced: Tombstone | Unset
        if isinstance(_replaced,  Unset):
            replaced = UNSET
        else:
            replaced = Tombstone.from_dict(_replaced)




        dataset = cls(
            name=name,
            format_=format_,
            sha256=sha256,
            bytes_=bytes_,
            rows=rows,
            created_at=created_at,
            schema=schema,
            preview=preview,
            version=version,
            policies=policies,
            preview_masked=preview_masked,
            personal_data=personal_data,
            replaced=replaced,
        )


        dataset.additional_properties = d
        return dataset

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
