from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.model_version import ModelVersion
from ...models.register_model_version_json_body import RegisterModelVersionJsonBody
from ...types import File, FileTypes
from io import BytesIO
from typing import cast



def _get_kwargs(
    name: str,
    *,
    body:    RegisterModelVersionJsonBody  |     File  | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/models/{name}/versions".format(name=quote(str(name), safe=""),),
    }

    if isinstance(body, RegisterModelVersionJsonBody):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, File):
        _kwargs["content"] = body.payload
        headers["Content-Type"] = "application/x-tar"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | ModelVersion | None:
    if response.status_code == 201:
        response_201 = ModelVersion.from_dict(response.json())



        return response_201

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | ModelVersion]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body:    RegisterModelVersionJsonBody  |     File  | Unset = UNSET,

) -> Response[Error | ModelVersion]:
    """ Register an artifact directory (model.json + weights.safetensors) as the next version

     Import an artifact: a tar archive (as downloaded from …/artifact) with Content-Type
    application/x-tar, or {"path": dir} readable by the server.

    Args:
        name (str):
        body (RegisterModelVersionJsonBody):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ModelVersion]
     """


    kwargs = _get_kwargs(
        name=name,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body:    RegisterModelVersionJsonBody  |     File  | Unset = UNSET,

) -> Error | ModelVersion | None:
    """ Register an artifact directory (model.json + weights.safetensors) as the next version

     Import an artifact: a tar archive (as downloaded from …/artifact) with Content-Type
    application/x-tar, or {"path": dir} readable by the server.

    Args:
        name (str):
        body (RegisterModelVersionJsonBody):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ModelVersion
     """


    return sync_detailed(
        name=name,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body:    RegisterModelVersionJsonBody  |     File  | Unset = UNSET,

) -> Response[Error | ModelVersion]:
    """ Register an artifact directory (model.json + weights.safetensors) as the next version

     Import an artifact: a tar archive (as downloaded from …/artifact) with Content-Type
    application/x-tar, or {"path": dir} readable by the server.

    Args:
        name (str):
        body (RegisterModelVersionJsonBody):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ModelVersion]
     """


    kwargs = _get_kwargs(
        name=name,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body:    RegisterModelVersionJsonBody  |     File  | Unset = UNSET,

) -> Error | ModelVersion | None:
    """ Register an artifact directory (model.json + weights.safetensors) as the next version

     Import an artifact: a tar archive (as downloaded from …/artifact) with Content-Type
    application/x-tar, or {"path": dir} readable by the server.

    Args:
        name (str):
        body (RegisterModelVersionJsonBody):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ModelVersion
     """


    return (await asyncio_detailed(
        name=name,
client=client,
body=body,

    )).parsed
