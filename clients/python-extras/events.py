"""Live job events as they happen.

The generated ``stream_*_job_events`` functions return a job's Server-Sent Events as one body,
once the job has ended. ``stream_job_events`` yields each event as the server sends it: state
changes, epoch and step reports, log lines. Hand-written; scripts/generate_python_client.sh
copies it into the package.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .client import AuthenticatedClient, Client
from .errors import UnexpectedStatus

JOB_KINDS = ("training-jobs", "tuning-jobs", "batch-jobs", "explanation-jobs")


@dataclass(frozen=True)
class JobEvent:
    """One event: its type (``state``, ``epoch``, ``progress``, ``log``, ...), its data decoded
    from JSON, and its sequence number (None for progress reports, which are not stored)."""

    type: str
    data: Any
    sequence: int | None


def stream_job_events(
    client: AuthenticatedClient | Client,
    job_id: str,
    *,
    kind: str = "training-jobs",
    after: int | None = None,
) -> Iterator[JobEvent]:
    """Yields the job's events until it ends: first the stored ones (after ``after``, a
    sequence number from an earlier stream), then live ones. Raises ``UnexpectedStatus`` with
    the server's message when the job is unknown or the key may not read it."""
    if kind not in JOB_KINDS:
        raise ValueError(f"kind must be one of {', '.join(JOB_KINDS)}, not {kind!r}")
    params = {} if after is None else {"after": after}
    url = f"/v1/{kind}/{quote(job_id, safe='')}/events"
    with client.get_httpx_client().stream("GET", url, params=params, timeout=None) as response:
        if response.status_code != 200:
            raise UnexpectedStatus(response.status_code, response.read())
        event_type, data, sequence = "message", [], None
        for line in response.iter_lines():
            if line == "":
                if data:
                    yield JobEvent(event_type, json.loads("\n".join(data)), sequence)
                event_type, data, sequence = "message", [], None
                continue
            if line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                event_type = value
            elif field == "data":
                data.append(value)
            elif field == "id" and value.isdigit():
                sequence = int(value)
