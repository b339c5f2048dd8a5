from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.list_evaluations_response_200 import ListEvaluationsResponse200
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    limit: int | Unset = 100,
    page_token: str | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["page_token"] = page_token


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/evaluations",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | ListEvaluationsResponse200 | None:
    if response.status_code == 200:
        response_200 = ListEvaluationsResponse200.from_dict(response.json())



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

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | ListEvaluationsResponse200]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 100,
    page_token: str | Unset = UNSET,

) -> Response[Error | ListEvaluationsResponse200]:
    """ List the project's evaluations, newest first

     Paged: `limit` items per page (default 100) in a stable order; pass `next_page_token` back as
    `page_token` for the next page. A page never repeats or skips an item when others are added or
    removed in between.

    Args:
        limit (int | Unset):  Default: 100.
        page_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ListEvaluationsResponse200]
     """


    kwargs = _get_kwargs(
        limit=limit,
page_token=page_token,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 100,
    page_token: str | Unset = UNSET,

) -> Error | ListEvaluationsResponse200 | None:
    """ List the project's evaluations, newest first

     Paged: `limit` items per page (default 100) in a stable order; pass `next_page_token` back as
    `page_token` for the next page. A page never repeats or skips an item when others are added or
    removed in between.

    Args:
        limit (int | Unset):  Default: 100.
        page_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ListEvaluationsResponse200
     """


    return sync_detailed(
        client=client,
limit=limit,
page_token=page_token,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 100,
    page_token: str | Unset = UNSET,

) -> Response[Error | ListEvaluationsResponse200]:
    """ List the project's evaluations, newest first

     Paged: `limit` items per page (default 100) in a stable order; pass `next_page_token` back as
    `page_token` for the next page. A page never repeats or skips an item when others are added or
    removed in between.

    Args:
        limit (int | Unset):  Default: 100.
        page_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ListEvaluationsResponse200]
     """


    kwargs = _get_kwargs(
        limit=limit,
page_token=page_token,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 100,
    page_token: str | Unset = UNSET,

) -> Error | ListEvaluationsResponse200 | None:
    """ List the project's evaluations, newest first

     Paged: `limit` items per page (default 100) in a stable order; pass `next_page_token` back as
    `page_token` for the next page. A page never repeats or skips an item when others are added or
    removed in between.

    Args:
        limit (int | Unset):  Default: 100.
        page_token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ListEvaluationsResponse200
     """


    return (await asyncio_detailed(
        client=client,
limit=limit,
page_token=page_token,

    )).parsed
