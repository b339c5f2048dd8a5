from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.dataset_erasure import DatasetErasure
from ...models.error import Error
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    name: str,
    *,
    erase_derived: bool | Unset = False,
    force: bool | Unset = False,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["erase_derived"] = erase_derived

    params["force"] = force


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/datasets/{name}".format(name=quote(str(name), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DatasetErasure | Error | None:
    if response.status_code == 200:
        response_200 = DatasetErasure.from_dict(response.json())



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

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())



        return response_409

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[DatasetErasure | Error]:
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
    erase_derived: bool | Unset = False,
    force: bool | Unset = False,

) -> Response[DatasetErasure | Error]:
    """ Erase a dataset: its data key is destroyed first (every copy unreadable), then its files; a
    tombstone stays

    Args:
        name (str):
        erase_derived (bool | Unset):  Default: False.
        force (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DatasetErasure | Error]
     """


    kwargs = _get_kwargs(
        name=name,
erase_derived=erase_derived,
force=force,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    erase_derived: bool | Unset = False,
    force: bool | Unset = False,

) -> DatasetErasure | Error | None:
    """ Erase a dataset: its data key is destroyed first (every copy unreadable), then its files; a
    tombstone stays

    Args:
        name (str):
        erase_derived (bool | Unset):  Default: False.
        force (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DatasetErasure | Error
     """


    return sync_detailed(
        name=name,
client=client,
erase_derived=erase_derived,
force=force,

    ).parsed

async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    erase_derived: bool | Unset = False,
    force: bool | Unset = False,

) -> Response[DatasetErasure | Error]:
    """ Erase a dataset: its data key is destroyed first (every copy unreadable), then its files; a
    tombstone stays

    Args:
        name (str):
        erase_derived (bool | Unset):  Default: False.
        force (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DatasetErasure | Error]
     """


    kwargs = _get_kwargs(
        name=name,
erase_derived=erase_derived,
force=force,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    erase_derived: bool | Unset = False,
    force: bool | Unset = False,

) -> DatasetErasure | Error | None:
    """ Erase a dataset: its data key is destroyed first (every copy unreadable), then its files; a
    tombstone stays

    Args:
        name (str):
        erase_derived (bool | Unset):  Default: False.
        force (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DatasetErasure | Error
     """


    return (await asyncio_detailed(
        name=name,
client=client,
erase_derived=erase_derived,
force=force,

    )).parsed
