from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.create_translation_body import CreateTranslationBody
from ...models.create_translation_response_200 import CreateTranslationResponse200
from ...models.error import Error
from typing import cast



def _get_kwargs(
    *,
    body: CreateTranslationBody,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/audio/translations",
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> CreateTranslationResponse200 | Error | None:
    if response.status_code == 200:
        response_200 = CreateTranslationResponse200.from_dict(response.json())



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

    if response.status_code == 413:
        response_413 = Error.from_dict(response.json())



        return response_413

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[CreateTranslationResponse200 | Error]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateTranslationBody,

) -> Response[CreateTranslationResponse200 | Error]:
    """ Translate audio into English

     Speech in any language a multilingual Whisper model knows, as English text; an English-only model
    answers 400. The audio is decoded, resampled to 16 kHz and recognised natively in 30-second windows.
    json gives {text, usage}; verbose_json adds task, language, duration and segments with timestamps
    and confidence; text, srt and vtt are plain text. Audio seconds count as the request's rows and as
    tokens against a key's token quota. Audio no decoder reads, a truncated file, an unsupported codec
    or a clip over the server's --max-audio-seconds answers 400 naming the problem; a body over the
    upload cap answers 413.

    Args:
        body (CreateTranslationBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateTranslationResponse200 | Error]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    body: CreateTranslationBody,

) -> CreateTranslationResponse200 | Error | None:
    """ Translate audio into English

     Speech in any language a multilingual Whisper model knows, as English text; an English-only model
    answers 400. The audio is decoded, resampled to 16 kHz and recognised natively in 30-second windows.
    json gives {text, usage}; verbose_json adds task, language, duration and segments with timestamps
    and confidence; text, srt and vtt are plain text. Audio seconds count as the request's rows and as
    tokens against a key's token quota. Audio no decoder reads, a truncated file, an unsupported codec
    or a clip over the server's --max-audio-seconds answers 400 naming the problem; a body over the
    upload cap answers 413.

    Args:
        body (CreateTranslationBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateTranslationResponse200 | Error
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CreateTranslationBody,

) -> Response[CreateTranslationResponse200 | Error]:
    """ Translate audio into English

     Speech in any language a multilingual Whisper model knows, as English text; an English-only model
    answers 400. The audio is decoded, resampled to 16 kHz and recognised natively in 30-second windows.
    json gives {text, usage}; verbose_json adds task, language, duration and segments with timestamps
    and confidence; text, srt and vtt are plain text. Audio seconds count as the request's rows and as
    tokens against a key's token quota. Audio no decoder reads, a truncated file, an unsupported codec
    or a clip over the server's --max-audio-seconds answers 400 naming the problem; a body over the
    upload cap answers 413.

    Args:
        body (CreateTranslationBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreateTranslationResponse200 | Error]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CreateTranslationBody,

) -> CreateTranslationResponse200 | Error | None:
    """ Translate audio into English

     Speech in any language a multilingual Whisper model knows, as English text; an English-only model
    answers 400. The audio is decoded, resampled to 16 kHz and recognised natively in 30-second windows.
    json gives {text, usage}; verbose_json adds task, language, duration and segments with timestamps
    and confidence; text, srt and vtt are plain text. Audio seconds count as the request's rows and as
    tokens against a key's token quota. Audio no decoder reads, a truncated file, an unsupported codec
    or a clip over the server's --max-audio-seconds answers 400 naming the problem; a body over the
    upload cap answers 413.

    Args:
        body (CreateTranslationBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreateTranslationResponse200 | Error
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
