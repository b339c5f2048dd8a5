from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.explain_prediction_response_200_explanations_item_outputs_item_attributions import ExplainPredictionResponse200ExplanationsItemOutputsItemAttributions
  from ..models.explain_prediction_response_200_explanations_item_outputs_item_tokens_item import ExplainPredictionResponse200ExplanationsItemOutputsItemTokensItem





T = TypeVar("T", bound="ExplainPredictionResponse200ExplanationsItemOutputsItem")



@_attrs_define
class ExplainPredictionResponse200ExplanationsItemOutputsItem:
    """ 
        Attributes:
            output (str):
            base_value (float):
            value (float):
            attributions (ExplainPredictionResponse200ExplanationsItemOutputsItemAttributions):
            tokens (list[ExplainPredictionResponse200ExplanationsItemOutputsItemTokensItem] | Unset):
     """

    output: str
    base_value: float
    value: float
    attributions: ExplainPredictionResponse200ExplanationsItemOutputsItemAttributions
    tokens: list[ExplainPredictionResponse200ExplanationsItemOutputsItemTokensItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.explain_prediction_response_200_explanations_item_outputs_item_attributions import ExplainPredictionResponse200ExplanationsItemOutputsItemAttributions # noqa: PLC0415
        from ..models.explain_prediction_response_200_explanations_item_outputs_item_tokens_item import ExplainPredictionResponse200ExplanationsItemOutputsItemTokensItem # noqa: PLC0415
        output = self.output

        base_value = self.base_value

        value = self.value

        attributions = self.attributions.to_dict()

        tokens: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.tokens, Unset):
            tokens = []
            for tokens_item_data in self.tokens:
                tokens_item = tokens_item_data.to_dict()
                tokens.append(tokens_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "output": output,
            "base_value": base_value,
            "value": value,
            "attributions": attributions,
        })
        if tokens is not UNSET:
            field_dict["tokens"] = tokens

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.explain_prediction_response_200_explanations_item_outputs_item_attributions import ExplainPredictionResponse200ExplanationsItemOutputsItemAttributions # noqa: PLC0415
        from ..models.explain_prediction_response_200_explanations_item_outputs_item_tokens_item import ExplainPredictionResponse200ExplanationsItemOutputsItemTokensItem # noqa: PLC0415
        d = dict(src_dict)
        output = d.pop("output")

        base_value = d.pop("base_value")

        value = d.pop("value")

        attributions = ExplainPredictionResponse200ExplanationsItemOutputsItemAttributions.from_dict(d.pop("attributions"))




        _tokens = d.pop("tokens", UNSET)
        tokens: list[ExplainPredictionResponse200ExplanationsItemOutputsItemTokensItem] | Unset = UNSET
        if _tokens is not UNSET:
            tokens = []
            for tokens_item_data in _tokens:
                tokens_item = ExplainPredictionResponse200ExplanationsItemOutputsItemTokensItem.from_dict(tokens_item_data)



                tokens.append(tokens_item)


        explain_prediction_response_200_explanations_item_outputs_item = cls(
            output=output,
            base_value=base_value,
            value=value,
            attributions=attributions,
            tokens=tokens,
        )


        explain_prediction_response_200_explanations_item_outputs_item.additional_properties = d
        return explain_prediction_response_200_explanations_item_outputs_item

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
