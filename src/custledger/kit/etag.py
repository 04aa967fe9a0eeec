"""Optimistic concurrency: a record's version is its ``ETag``; ``If-Match`` guards a change.

Two clerks editing the same record: the second save carries the ETag it read, which is stale
now, and is refused with 412 instead of silently overwriting the first clerk's change.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Header

from custledger.kit.errors import PreconditionFailed

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=512,
        description='The `ETag` you read (`"3"`); a stale one is refused with 412.',
    ),
]

_ENTITY_TAG = re.compile(r'^(?:W/)?"?([0-9]{1,9})"?$')


def etag(version: int) -> str:
    return f'"{version}"'


def expected_versions(if_match: str | None) -> frozenset[int] | None:
    """The versions an ``If-Match`` accepts; None when there is no precondition (or ``*``).
    Accepts ``"3"``, ``W/"3"`` and lists; anything unreadable matches no version."""
    if if_match is None or if_match.strip() == "*":
        return None
    versions = set()
    for tag in if_match.split(","):
        match = _ENTITY_TAG.match(tag.strip())
        if match:
            versions.add(int(match.group(1)))
    return frozenset(versions)


def check_version(noun: str, version: int, expected: frozenset[int] | None) -> None:
    """412 unless the request set no precondition or read the current ``version``."""
    if expected is not None and version not in expected:
        raise PreconditionFailed(
            f"The {noun} was changed since you read it (it is now version {version}). "
            "Reload it and apply your change again.",
            headers={"ETag": etag(version)},
            current_version=version,
        )
