"""Cursors are opaque, tagged with their list, and refused when forged or foreign."""

from __future__ import annotations

import base64

import pytest

from custledger.kit.errors import Unprocessable
from custledger.kit.pagination import decode_cursor, encode_cursor


def test_a_cursor_round_trips_its_key():
    cursor = encode_cursor("customers", ["josé", 42, None])
    assert decode_cursor("customers", cursor, 3) == ["josé", 42, None]
    assert decode_cursor("customers", None, 3) is None


@pytest.mark.parametrize(
    "bad",
    [
        "not base64 at all!",
        base64.urlsafe_b64encode(b"{not json").decode(),
        base64.urlsafe_b64encode(b'["customers", 1]').decode(),  # wrong arity
        encode_cursor("payments", [1, 2]),  # another list's cursor
        base64.urlsafe_b64encode(b'{"kind": "customers"}').decode(),
    ],
)
def test_a_foreign_or_forged_cursor_is_a_422(bad):
    with pytest.raises(Unprocessable) as raised:
        decode_cursor("customers", bad, 2)
    assert raised.value.extensions["errors"][0]["field"] == "cursor"
