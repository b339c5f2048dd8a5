from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.predict_body import PredictBody
from ...models.predict_response_200 import PredictResponse200
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    name: str,
    *,
    body: PredictBody,
    timeout_query: float | Unset = UNSET,
    timeout_header: float | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(timeout_header, Unset):
        headers["timeout"] = str(timeout_header)




    

    params: dict[str, Any] = {}

    params["timeout"] = timeout_query


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/models/{name}:predict".format(name=quote(str(name), safe=""),),
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | PredictResponse200 | None:
    if response.status_code == 200:
        response_200 = PredictResponse200.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | PredictResponse200]:
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
    body: PredictBody,
    timeout_query: float | Unset = UNSET,
    timeout_header: float | Unset = UNSET,

) -> Response[Error | PredictResponse200]:
    """ TF-Serving style prediction from raw instances

    Args:
        name (str):
        timeout_query (float | Unset):
        timeout_header (float | Unset):
        body (PredictBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PredictResponse200]
     """


    kwargs = _get_kwargs(
        name=name,
body=body,
timeout_query=timeout_query,
timeout_header=timeout_header,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: PredictBody,
    timeout_query: float | Unset = UNSET,
    timeout_header: float | Unset = UNSET,

) -> Error | PredictResponse200 | None:
    """ TF-Serving style prediction from raw instances

    Args:
        name (str):
        timeout_query (float | Unset):
        timeout_header (float | Unset):
        body (PredictBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PredictResponse200
     """


    return sync_detailed(
        name=name,
client=client,
body=body,
timeout_query=timeout_query,
timeout_header=timeout_header,

    ).parsed

async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: PredictBody,
    timeout_query: float | Unset = UNSET,
    timeout_header: float | Unset = UNSET,

) -> Response[Error | PredictResponse200]:
    """ TF-Serving style prediction from raw instances

    Args:
        name (str):
        timeout_query (float | Unset):
        timeout_header (float | Unset):
        body (PredictBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | PredictResponse200]
     """


    kwargs = _get_kwargs(
        name=name,
body=body,
timeout_query=timeout_query,
timeout_header=timeout_header,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: PredictBody,
    timeout_query: float | Unset = UNSET,
    timeout_header: float | Unset = UNSET,

) -> Error | PredictResponse200 | None:
    """ TF-Serving style prediction from raw instances

    Args:
        name (str):
        timeout_query (float | Unset):
        timeout_header (float | Unset):
        body (PredictBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | PredictResponse200
     """


    return (await asyncio_detailed(
        name=name,
client=client,
body=body,
timeout_query=timeout_query,
timeout_header=timeout_header,

    )).parsed
