from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.inference_request import InferenceRequest
from ...models.inference_response import InferenceResponse
from ...types import File, FileTypes
from ...types import UNSET, Unset
from io import BytesIO
from typing import cast



def _get_kwargs(
    name: str,
    version: int,
    *,
    body:    InferenceRequest  |     File  | Unset = UNSET,
    timeout_query: float | Unset = UNSET,
    timeout_header: float | Unset = UNSET,
    inference_header_content_length: int | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(timeout_header, Unset):
        headers["timeout"] = str(timeout_header)


    if not isinstance(inference_header_content_length, Unset):
        headers["Inference-Header-Content-Length"] = str(inference_header_content_length)




    

    params: dict[str, Any] = {}

    params["timeout"] = timeout_query


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2/models/{name}/versions/{version}/infer".format(name=quote(str(name), safe=""),version=quote(str(version), safe=""),),
        "params": params,
    }

    if isinstance(body, InferenceRequest):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, File):
        _kwargs["content"] = body.payload
        headers["Content-Type"] = "application/octet-stream"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | InferenceResponse | None:
    if response.status_code == 200:
        response_200 = InferenceResponse.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())



        return response_404

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())



        return response_429

    if response.status_code == 503:
        response_503 = Error.from_dict(response.json())



        return response_503

    if response.status_code == 504:
        response_504 = Error.from_dict(response.json())



        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | InferenceResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    name: str,
    version: int,
    *,
    client: AuthenticatedClient | Client,
    body:    InferenceRequest  |     File  | Unset = UNSET,
    timeout_query: float | Unset = UNSET,
    timeout_header: float | Unset = UNSET,
    inference_header_content_length: int | Unset = UNSET,

) -> Response[Error | InferenceResponse]:
    """ Open Inference Protocol inference (a named version of the endpoint's model)

    Args:
        name (str):
        version (int):
        timeout_query (float | Unset):
        timeout_header (float | Unset):
        inference_header_content_length (int | Unset):
        body (InferenceRequest):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | InferenceResponse]
     """


    kwargs = _get_kwargs(
        name=name,
version=version,
body=body,
timeout_query=timeout_query,
timeout_header=timeout_header,
inference_header_content_length=inference_header_content_length,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    name: str,
    version: int,
    *,
    client: AuthenticatedClient | Client,
    body:    InferenceRequest  |     File  | Unset = UNSET,
    timeout_query: float | Unset = UNSET,
    timeout_header: float | Unset = UNSET,
    inference_header_content_length: int | Unset = UNSET,

) -> Error | InferenceResponse | None:
    """ Open Inference Protocol inference (a named version of the endpoint's model)

    Args:
        name (str):
        version (int):
        timeout_query (float | Unset):
        timeout_header (float | Unset):
        inference_header_content_length (int | Unset):
        body (InferenceRequest):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | InferenceResponse
     """


    return sync_detailed(
        name=name,
version=version,
client=client,
body=body,
timeout_query=timeout_query,
timeout_header=timeout_header,
inference_header_content_length=inference_header_content_length,

    ).parsed

async def asyncio_detailed(
    name: str,
    version: int,
    *,
    client: AuthenticatedClient | Client,
    body:    InferenceRequest  |     File  | Unset = UNSET,
    timeout_query: float | Unset = UNSET,
    timeout_header: float | Unset = UNSET,
    inference_header_content_length: int | Unset = UNSET,

) -> Response[Error | InferenceResponse]:
    """ Open Inference Protocol inference (a named version of the endpoint's model)

    Args:
        name (str):
        version (int):
        timeout_query (float | Unset):
        timeout_header (float | Unset):
        inference_header_content_length (int | Unset):
        body (InferenceRequest):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | InferenceResponse]
     """


    kwargs = _get_kwargs(
        name=name,
version=version,
body=body,
timeout_query=timeout_query,
timeout_header=timeout_header,
inference_header_content_length=inference_header_content_length,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    name: str,
    version: int,
    *,
    client: AuthenticatedClient | Client,
    body:    InferenceRequest  |     File  | Unset = UNSET,
    timeout_query: float | Unset = UNSET,
    timeout_header: float | Unset = UNSET,
    inference_header_content_length: int | Unset = UNSET,

) -> Error | InferenceResponse | None:
    """ Open Inference Protocol inference (a named version of the endpoint's model)

    Args:
        name (str):
        version (int):
        timeout_query (float | Unset):
        timeout_header (float | Unset):
        inference_header_content_length (int | Unset):
        body (InferenceRequest):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | InferenceResponse
     """


    return (await asyncio_detailed(
        name=name,
version=version,
client=client,
body=body,
timeout_query=timeout_query,
timeout_header=timeout_header,
inference_header_content_length=inference_header_content_length,

    )).parsed
