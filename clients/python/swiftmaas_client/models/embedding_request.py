from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.embedding_request_encoding_format import EmbeddingRequestEncodingFormat
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="EmbeddingRequest")



@_attrs_define
class EmbeddingRequest:
    """ 
        Attributes:
            model (str): A deployed endpoint serving a sentence encoder
            input_ (list[str] | str):
            encoding_format (EmbeddingRequestEncodingFormat | Unset):  Default: EmbeddingRequestEncodingFormat.FLOAT.
            dimensions (int | Unset):
            user (str | Unset):
     """

    model: str
    input_: list[str] | str
    encoding_format: EmbeddingRequestEncodingFormat | Unset = EmbeddingRequestEncodingFormat.FLOAT
    dimensions: int | Unset = UNSET
    user: str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        model = self.model

        input_: list[str] | str
        if isinstance(self.input_, list):
            input_ = self.input_


        else:
            input_ = self.input_

        encoding_format: str | Unset = UNSET
        if not isinstance(self.encoding_format, Unset):
            encoding_format = self.encoding_format.value


        dimensions = self.dimensions

        user = self.user


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "model": model,
            "input": input_,
        })
        if encoding_format is not UNSET:
            field_dict["encoding_format"] = encoding_format
        if dimensions is not UNSET:
            field_dict["dimensions"] = dimensions
        if user is not UNSET:
            field_dict["user"] = user

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        model = d.pop("model")

        def _parse_input_(data: object) -> list[str] | str:
            try:
                if not isinstance(data, list):
                    raise TypeError()
                input_type_1 = cast(list[str], data)

                return input_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | str, data)

        input_ = _parse_input_(d.pop("input"))


        _encoding_format = d.pop("encoding_format", UNSET)
        encoding_format: EmbeddingRequestEncodingFormat | Unset
        if isinstance(_encoding_format,  Unset):
            encoding_format = UNSET
        else:
            encoding_format = EmbeddingRequestEncodingFormat(_encoding_format)




        dimensions = d.pop("dimensions", UNSET)

        user = d.pop("user", UNSET)

        embedding_request = cls(
            model=model,
            input_=input_,
            encoding_format=encoding_format,
            dimensions=dimensions,
            user=user,
        )

        return embedding_request

