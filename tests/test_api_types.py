"""The OpenAPI document the front end's types are generated from is the app's own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from custledger.openapi import document, render

FRONTEND = Path(__file__).resolve().parents[1] / "frontend"
COMMITTED = FRONTEND / "src" / "api" / "openapi.json"


def test_committed_openapi_json_is_the_apps_document():
    if not FRONTEND.is_dir():
        pytest.skip("no frontend/ folder in this tree: there is no committed openapi.json yet")
    assert COMMITTED.is_file(), "frontend/src/api/openapi.json is missing: run `make api-types`"
    expected = render(document())
    committed = COMMITTED.read_text(encoding="utf-8")
    assert committed == expected, (
        "frontend/src/api/openapi.json is stale: run `make api-types` and commit the result"
    )


def test_the_command_prints_sorted_indented_json_with_a_trailing_newline():
    done = subprocess.run(
        [sys.executable, "-m", "custledger.openapi"],
        capture_output=True,
        check=True,
        timeout=120,
        # No database is reachable at this address: the command must not need one.
        env={"CUSTLEDGER_DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none"},
    )
    text = done.stdout.decode("utf-8")
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.startswith('{\n  "components": {')
    assert '"/api/v1/customers"' in text
    assert text == render(document())
