from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.set_shadow_body import SetShadowBody
from ...models.set_shadow_response_200 import SetShadowResponse200
from typing import cast



def _get_kwargs(
    name: str,
    *,
    body: SetShadowBody,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/endpoints/{name}/shadow".format(name=quote(str(name), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | SetShadowResponse200 | None:
    if response.status_code == 200:
        response_200 = SetShadowResponse200.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | SetShadowResponse200]:
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
    body: SetShadowBody,

) -> Response[Error | SetShadowResponse200]:
    """ Mirror a share of an endpoint's requests to a shadow version

     Answers always come from the endpoint's version; the shadow (another version of the same model)
    computes the same inputs afterwards, and its agreement rate, mean prediction difference and latency
    are recorded. Requests that name a version are not mirrored.

    Args:
        name (str):
        body (SetShadowBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SetShadowResponse200]
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
    body: SetShadowBody,

) -> Error | SetShadowResponse200 | None:
    """ Mirror a share of an endpoint's requests to a shadow version

     Answers always come from the endpoint's version; the shadow (another version of the same model)
    computes the same inputs afterwards, and its agreement rate, mean prediction difference and latency
    are recorded. Requests that name a version are not mirrored.

    Args:
        name (str):
        body (SetShadowBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SetShadowResponse200
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
    body: SetShadowBody,

) -> Response[Error | SetShadowResponse200]:
    """ Mirror a share of an endpoint's requests to a shadow version

     Answers always come from the endpoint's version; the shadow (another version of the same model)
    computes the same inputs afterwards, and its agreement rate, mean prediction difference and latency
    are recorded. Requests that name a version are not mirrored.

    Args:
        name (str):
        body (SetShadowBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | SetShadowResponse200]
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
    body: SetShadowBody,

) -> Error | SetShadowResponse200 | None:
    """ Mirror a share of an endpoint's requests to a shadow version

     Answers always come from the endpoint's version; the shadow (another version of the same model)
    computes the same inputs afterwards, and its agreement rate, mean prediction difference and latency
    are recorded. Requests that name a version are not mirrored.

    Args:
        name (str):
        body (SetShadowBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | SetShadowResponse200
     """


    return (await asyncio_detailed(
        name=name,
client=client,
body=body,

    )).parsed
