from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.dataset import Dataset
from ...models.error import Error
from ...models.upload_dataset_format import UploadDatasetFormat
from ...types import File, FileTypes
from ...types import UNSET, Unset
from io import BytesIO
from typing import cast



def _get_kwargs(
    name: str,
    *,
    body: File,
    format_: UploadDatasetFormat | Unset = UploadDatasetFormat.CSV,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/datasets/{name}".format(name=quote(str(name), safe=""),),
        "params": params,
    }

    _kwargs["content"] = body.payload
    headers["Content-Type"] = "application/octet-stream"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Dataset | Error | None:
    if response.status_code == 201:
        response_201 = Dataset.from_dict(response.json())



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

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())



        return response_413

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Dataset | Error]:
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
    body: File,
    format_: UploadDatasetFormat | Unset = UploadDatasetFormat.CSV,

) -> Response[Dataset | Error]:
    """ Upload a data file (the body is the file; sealed as it streams in, checksummed, validated, scanned
    for personal data)

     Column policies travel as query parameters policy.<column>=drop|mask|hash|generalize[:width] (e.g.
    policy.email=hash).

    Args:
        name (str):
        format_ (UploadDatasetFormat | Unset):  Default: UploadDatasetFormat.CSV.
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Dataset | Error]
     """


    kwargs = _get_kwargs(
        name=name,
body=body,
format_=format_,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: File,
    format_: UploadDatasetFormat | Unset = UploadDatasetFormat.CSV,

) -> Dataset | Error | None:
    """ Upload a data file (the body is the file; sealed as it streams in, checksummed, validated, scanned
    for personal data)

     Column policies travel as query parameters policy.<column>=drop|mask|hash|generalize[:width] (e.g.
    policy.email=hash).

    Args:
        name (str):
        format_ (UploadDatasetFormat | Unset):  Default: UploadDatasetFormat.CSV.
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Dataset | Error
     """


    return sync_detailed(
        name=name,
client=client,
body=body,
format_=format_,

    ).parsed

async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: File,
    format_: UploadDatasetFormat | Unset = UploadDatasetFormat.CSV,

) -> Response[Dataset | Error]:
    """ Upload a data file (the body is the file; sealed as it streams in, checksummed, validated, scanned
    for personal data)

     Column policies travel as query parameters policy.<column>=drop|mask|hash|generalize[:width] (e.g.
    policy.email=hash).

    Args:
        name (str):
        format_ (UploadDatasetFormat | Unset):  Default: UploadDatasetFormat.CSV.
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Dataset | Error]
     """


    kwargs = _get_kwargs(
        name=name,
body=body,
format_=format_,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient | Client,
    body: File,
    format_: UploadDatasetFormat | Unset = UploadDatasetFormat.CSV,

) -> Dataset | Error | None:
    """ Upload a data file (the body is the file; sealed as it streams in, checksummed, validated, scanned
    for personal data)

     Column policies travel as query parameters policy.<column>=drop|mask|hash|generalize[:width] (e.g.
    policy.email=hash).

    Args:
        name (str):
        format_ (UploadDatasetFormat | Unset):  Default: UploadDatasetFormat.CSV.
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Dataset | Error
     """


    return (await asyncio_detailed(
        name=name,
client=client,
body=body,
format_=format_,

    )).parsed
