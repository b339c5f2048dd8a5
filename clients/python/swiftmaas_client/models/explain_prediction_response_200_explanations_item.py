from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.explain_prediction_response_200_explanations_item_image import ExplainPredictionResponse200ExplanationsItemImage
  from ..models.explain_prediction_response_200_explanations_item_outputs_item import ExplainPredictionResponse200ExplanationsItemOutputsItem





T = TypeVar("T", bound="ExplainPredictionResponse200ExplanationsItem")



@_attrs_define
class ExplainPredictionResponse200ExplanationsItem:
    """ 
        Attributes:
            prediction (Any | Unset):
            outputs (list[ExplainPredictionResponse200ExplanationsItemOutputsItem] | Unset):
            image (ExplainPredictionResponse200ExplanationsItemImage | Unset):
     """

    prediction: Any | Unset = UNSET
    outputs: list[ExplainPredictionResponse200ExplanationsItemOutputsItem] | Unset = UNSET
    image: ExplainPredictionResponse200ExplanationsItemImage | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.explain_prediction_response_200_explanations_item_image import ExplainPredictionResponse200ExplanationsItemImage # noqa: PLC0415
        from ..models.explain_prediction_response_200_explanations_item_outputs_item import ExplainPredictionResponse200ExplanationsItemOutputsItem # noqa: PLC0415
        prediction = self.prediction

        outputs: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.outputs, Unset):
            outputs = []
            for outputs_item_data in self.outputs:
                outputs_item = outputs_item_data.to_dict()
                outputs.append(outputs_item)



        image: dict[str, Any] | Unset = UNSET
        if not isinstance(self.image, Unset):
            image = self.image.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
        })
        if prediction is not UNSET:
            field_dict["prediction"] = prediction
        if outputs is not UNSET:
            field_dict["outputs"] = outputs
        if image is not UNSET:
            field_dict["image"] = image

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.explain_prediction_response_200_explanations_item_image import ExplainPredictionResponse200ExplanationsItemImage # noqa: PLC0415
        from ..models.explain_prediction_response_200_explanations_item_outputs_item import ExplainPredictionResponse200ExplanationsItemOutputsItem # noqa: PLC0415
        d = dict(src_dict)
        prediction = d.pop("prediction", UNSET)

        _outputs = d.pop("outputs", UNSET)
        outputs: list[ExplainPredictionResponse200ExplanationsItemOutputsItem] | Unset = UNSET
        if _outputs is not UNSET:
            outputs = []
            for outputs_item_data in _outputs:
                outputs_item = ExplainPredictionResponse200ExplanationsItemOutputsItem.from_dict(outputs_item_data)



                outputs.append(outputs_item)


        _image = d.pop("image", UNSET)
        image: ExplainPredictionResponse200ExplanationsItemImage | Unset
        if isinstance(_image,  Unset):
            image = UNSET
        else:
            image = ExplainPredictionResponse200ExplanationsItemImage.from_dict(_image)




        explain_prediction_response_200_explanations_item = cls(
            prediction=prediction,
            outputs=outputs,
            image=image,
        )


        explain_prediction_response_200_explanations_item.additional_properties = d
        return explain_prediction_response_200_explanations_item

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
