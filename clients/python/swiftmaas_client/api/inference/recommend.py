from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.recommend_body import RecommendBody
from ...models.recommend_response_200 import RecommendResponse200
from typing import cast



def _get_kwargs(
    name: str,
    *,
    body: RecommendBody,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/endpoints/{name}/recommend".format(name=quote(str(name), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | RecommendResponse200 | None:
    if response.status_code == 200:
        response_200 = RecommendResponse200.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | RecommendResponse200]:
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
    body: RecommendBody,

) -> Response[Error | RecommendResponse200]:
    """ Recommend items

     Items ranked for a user by a recommender endpoint (a matrix_factorization model). A user seen in
    training is ranked by the model (`source`: model); a new user is folded in from the `items` they
    chose (one ALS step against the trained item factors; `source`: fold_in); an unknown user answers
    404 naming the id, or with `fallback`: popular the most popular items (`source`: popular).
    `exclude_seen` (default true) leaves out items the user already has.

    Args:
        name (str):
        body (RecommendBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RecommendResponse200]
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
    body: RecommendBody,

) -> Error | RecommendResponse200 | None:
    """ Recommend items

     Items ranked for a user by a recommender endpoint (a matrix_factorization model). A user seen in
    training is ranked by the model (`source`: model); a new user is folded in from the `items` they
    chose (one ALS step against the trained item factors; `source`: fold_in); an unknown user answers
    404 naming the id, or with `fallback`: popular the most popular items (`source`: popular).
    `exclude_seen` (default true) leaves out items the user already has.

    Args:
        name (str):
        body (RecommendBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RecommendResponse200
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
    body: RecommendBody,

) -> Response[Error | RecommendResponse200]:
    """ Recommend items

     Items ranked for a user by a recommender endpoint (a matrix_factorization model). A user seen in
    training is ranked by the model (`source`: model); a new user is folded in from the `items` they
    chose (one ALS step against the trained item factors; `source`: fold_in); an unknown user answers
    404 naming the id, or with `fallback`: popular the most popular items (`source`: popular).
    `exclude_seen` (default true) leaves out items the user already has.

    Args:
        name (str):
        body (RecommendBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | RecommendResponse200]
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
    body: RecommendBody,

) -> Error | RecommendResponse200 | None:
    """ Recommend items

     Items ranked for a user by a recommender endpoint (a matrix_factorization model). A user seen in
    training is ranked by the model (`source`: model); a new user is folded in from the `items` they
    chose (one ALS step against the trained item factors; `source`: fold_in); an unknown user answers
    404 naming the id, or with `fallback`: popular the most popular items (`source`: popular).
    `exclude_seen` (default true) leaves out items the user already has.

    Args:
        name (str):
        body (RecommendBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | RecommendResponse200
     """


    return (await asyncio_detailed(
        name=name,
client=client,
body=body,

    )).parsed
