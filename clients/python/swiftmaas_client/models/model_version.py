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
  from ..models.model_version_lineage import ModelVersionLineage
  from ..models.model_version_metrics import ModelVersionMetrics





T = TypeVar("T", bound="ModelVersion")



@_attrs_define
class ModelVersion:
    """ 
        Attributes:
            name (str | Unset):
            version (int | Unset):
            artifact (str | Unset): SHA-256 of the artifact
            kind (str | Unset):
            metrics (ModelVersionMetrics | Unset):
            created_at (datetime.datetime | Unset):
            trained_on_erased_data (bool | Unset): A dataset it was trained on later had records erased (or was erased):
                retrain
            lineage (ModelVersionLineage | Unset):
     """

    name: str | Unset = UNSET
    version: int | Unset = UNSET
    artifact: str | Unset = UNSET
    kind: str | Unset = UNSET
    metrics: ModelVersionMetrics | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    trained_on_erased_data: bool | Unset = UNSET
    lineage: ModelVersionLineage | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.model_version_lineage import ModelVersionLineage # noqa: PLC0415
        from ..models.model_version_metrics import ModelVersionMetrics # noqa: PLC0415
        name = self.name

        version = self.version

        artifact = self.artifact

        kind = self.kind

        metrics: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metrics, Unset):
            metrics = self.metrics.to_dict()

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        trained_on_erased_data = self.trained_on_erased_data

        lineage: dict[str, Any] | Unset = UNSET
        if not isinstance(self.lineage, Unset):
            lineage = self.lineage.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if name is not UNSET:
            field_dict["name"] = name
        if version is not UNSET:
            field_dict["version"] = version
        if artifact is not UNSET:
            field_dict["artifact"] = artifact
        if kind is not UNSET:
            field_dict["kind"] = kind
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if trained_on_erased_data is not UNSET:
            field_dict["trained_on_erased_data"] = trained_on_erased_data
        if lineage is not UNSET:
            field_dict["lineage"] = lineage

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_version_lineage import ModelVersionLineage # noqa: PLC0415
        from ..models.model_version_metrics import ModelVersionMetrics # noqa: PLC0415
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        version = d.pop("version", UNSET)

        artifact = d.pop("artifact", UNSET)

        kind = d.pop("kind", UNSET)

        _metrics = d.pop("metrics", UNSET)
        metrics: ModelVersionMetrics | Unset
        if isinstance(_metrics,  Unset):
            metrics = UNSET
        else:
            metrics = ModelVersionMetrics.from_dict(_metrics)




        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at,  Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)




        trained_on_erased_data = d.pop("trained_on_erased_data", UNSET)

        _lineage = d.pop("lineage", UNSET)
        lineage: ModelVersionLineage | Unset
        if isinstance(_lineage,  Unset):
            lineage = UNSET
        else:
            lineage = ModelVersionLineage.from_dict(_lineage)




        model_version = cls(
            name=name,
            version=version,
            artifact=artifact,
            kind=kind,
            metrics=metrics,
            created_at=created_at,
            trained_on_erased_data=trained_on_erased_data,
            lineage=lineage,
        )


        model_version.additional_properties = d
        return model_version

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
