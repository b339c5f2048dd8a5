from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.get_model_card_format import GetModelCardFormat
from ...models.get_model_card_response_200 import GetModelCardResponse200
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    name: str,
    version: int,
    *,
    format_: GetModelCardFormat | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/models/{name}/versions/{version}/card".format(name=quote(str(name), safe=""),version=quote(str(version), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | GetModelCardResponse200 | None:
    if response.status_code == 200:
        response_200 = GetModelCardResponse200.from_dict(response.json())



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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | GetModelCardResponse200]:
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
    format_: GetModelCardFormat | Unset = UNSET,

) -> Response[Error | GetModelCardResponse200]:
    """ A model version's card

     Where the version came from (data, spec, seed, job), how it was validated and what it scored, the
    aliases that point at it, its fairness evaluations and its differential-privacy budget. JSON, or
    Markdown with ?format=markdown.

    Args:
        name (str):
        version (int):
        format_ (GetModelCardFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | GetModelCardResponse200]
     """


    kwargs = _get_kwargs(
        name=name,
version=version,
format_=format_,

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
    format_: GetModelCardFormat | Unset = UNSET,

) -> Error | GetModelCardResponse200 | None:
    """ A model version's card

     Where the version came from (data, spec, seed, job), how it was validated and what it scored, the
    aliases that point at it, its fairness evaluations and its differential-privacy budget. JSON, or
    Markdown with ?format=markdown.

    Args:
        name (str):
        version (int):
        format_ (GetModelCardFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | GetModelCardResponse200
     """


    return sync_detailed(
        name=name,
version=version,
client=client,
format_=format_,

    ).parsed

async def asyncio_detailed(
    name: str,
    version: int,
    *,
    client: AuthenticatedClient | Client,
    format_: GetModelCardFormat | Unset = UNSET,

) -> Response[Error | GetModelCardResponse200]:
    """ A model version's card

     Where the version came from (data, spec, seed, job), how it was validated and what it scored, the
    aliases that point at it, its fairness evaluations and its differential-privacy budget. JSON, or
    Markdown with ?format=markdown.

    Args:
        name (str):
        version (int):
        format_ (GetModelCardFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | GetModelCardResponse200]
     """


    kwargs = _get_kwargs(
        name=name,
version=version,
format_=format_,

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
    format_: GetModelCardFormat | Unset = UNSET,

) -> Error | GetModelCardResponse200 | None:
    """ A model version's card

     Where the version came from (data, spec, seed, job), how it was validated and what it scored, the
    aliases that point at it, its fairness evaluations and its differential-privacy budget. JSON, or
    Markdown with ?format=markdown.

    Args:
        name (str):
        version (int):
        format_ (GetModelCardFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | GetModelCardResponse200
     """


    return (await asyncio_detailed(
        name=name,
version=version,
client=client,
format_=format_,

    )).parsed
