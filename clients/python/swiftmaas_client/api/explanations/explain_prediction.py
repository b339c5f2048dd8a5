from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error import Error
from ...models.explain_prediction_response_200 import ExplainPredictionResponse200
from typing import cast



def _get_kwargs(
    name: str,
    *,
    body: Any,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/endpoints/{name}/explain".format(name=quote(str(name), safe=""),),
    }

    
    _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | ExplainPredictionResponse200 | None:
    if response.status_code == 200:
        response_200 = ExplainPredictionResponse200.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Error | ExplainPredictionResponse200]:
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
    body: Any,

) -> Response[Error | ExplainPredictionResponse200]:
    """ Explain an endpoint's predictions

     Per-prediction attributions in the raw input's terms: exact TreeSHAP (path-dependent) for trees,
    forests and boosted trees, exact linear SHAP (interventional, against the training means) for linear
    and logistic models, KernelSHAP (any tabular model; background from the artifact's training profile)
    and integrated gradients for networks (Gauss-Legendre, as Captum; images also get a PNG heat map).
    For every output, base_value + the sum of attributions = value.

    Args:
        name (str):
        body (Any):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ExplainPredictionResponse200]
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
    body: Any,

) -> Error | ExplainPredictionResponse200 | None:
    """ Explain an endpoint's predictions

     Per-prediction attributions in the raw input's terms: exact TreeSHAP (path-dependent) for trees,
    forests and boosted trees, exact linear SHAP (interventional, against the training means) for linear
    and logistic models, KernelSHAP (any tabular model; background from the artifact's training profile)
    and integrated gradients for networks (Gauss-Legendre, as Captum; images also get a PNG heat map).
    For every output, base_value + the sum of attributions = value.

    Args:
        name (str):
        body (Any):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ExplainPredictionResponse200
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
    body: Any,

) -> Response[Error | ExplainPredictionResponse200]:
    """ Explain an endpoint's predictions

     Per-prediction attributions in the raw input's terms: exact TreeSHAP (path-dependent) for trees,
    forests and boosted trees, exact linear SHAP (interventional, against the training means) for linear
    and logistic models, KernelSHAP (any tabular model; background from the artifact's training profile)
    and integrated gradients for networks (Gauss-Legendre, as Captum; images also get a PNG heat map).
    For every output, base_value + the sum of attributions = value.

    Args:
        name (str):
        body (Any):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ExplainPredictionResponse200]
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
    body: Any,

) -> Error | ExplainPredictionResponse200 | None:
    """ Explain an endpoint's predictions

     Per-prediction attributions in the raw input's terms: exact TreeSHAP (path-dependent) for trees,
    forests and boosted trees, exact linear SHAP (interventional, against the training means) for linear
    and logistic models, KernelSHAP (any tabular model; background from the artifact's training profile)
    and integrated gradients for networks (Gauss-Legendre, as Captum; images also get a PNG heat map).
    For every output, base_value + the sum of attributions = value.

    Args:
        name (str):
        body (Any):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ExplainPredictionResponse200
     """


    return (await asyncio_detailed(
        name=name,
client=client,
body=body,

    )).parsed
