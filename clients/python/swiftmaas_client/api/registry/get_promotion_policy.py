from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.get_promotion_policy_response_200 import GetPromotionPolicyResponse200
from typing import cast



def _get_kwargs(
    name: str,
    alias: str,

) -> dict[str, Any]:
    

    

    

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/models/{name}/policies/{alias}".format(name=quote(str(name), safe=""),alias=quote(str(alias), safe=""),),
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | GetPromotionPolicyResponse200 | None:
    if response.status_code == 200:
        response_200 = GetPromotionPolicyResponse200.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | GetPromotionPolicyResponse200]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    name: str,
    alias: str,
    *,
    client: AuthenticatedClient | Client,

) -> Response[Error | GetPromotionPolicyResponse200]:
    """ Read an alias's promotion policy

    Args:
        name (str):
        alias (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | GetPromotionPolicyResponse200]
     """


    kwargs = _get_kwargs(
        name=name,
alias=alias,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    name: str,
    alias: str,
    *,
    client: AuthenticatedClient | Client,

) -> Error | GetPromotionPolicyResponse200 | None:
    """ Read an alias's promotion policy

    Args:
        name (str):
        alias (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | GetPromotionPolicyResponse200
     """


    return sync_detailed(
        name=name,
alias=alias,
client=client,

    ).parsed

async def asyncio_detailed(
    name: str,
    alias: str,
    *,
    client: AuthenticatedClient | Client,

) -> Response[Error | GetPromotionPolicyResponse200]:
    """ Read an alias's promotion policy

    Args:
        name (str):
        alias (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | GetPromotionPolicyResponse200]
     """


    kwargs = _get_kwargs(
        name=name,
alias=alias,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    name: str,
    alias: str,
    *,
    client: AuthenticatedClient | Client,

) -> Error | GetPromotionPolicyResponse200 | None:
    """ Read an alias's promotion policy

    Args:
        name (str):
        alias (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | GetPromotionPolicyResponse200
     """


    return (await asyncio_detailed(
        name=name,
alias=alias,
client=client,

    )).parsed
