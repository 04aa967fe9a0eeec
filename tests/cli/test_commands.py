"""The operator's commands of API.md, run as an operator would."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from custledger.auth.models import PrincipalRow
from custledger.cli import app
from custledger.stores.models import Store

runner = CliRunner()


async def invoke(*args: str, stdin: str | None = None):
    # The commands call asyncio.run themselves, so they run on a thread of their own.
    return await asyncio.to_thread(runner.invoke, app, list(args), input=stdin)


async def test_create_user_reads_the_password_from_stdin(client, session):
    result = await invoke(
        "create-user", "carla", "--role", "manager", "--password-stdin", stdin="a-long-password\n"
    )
    assert result.exit_code == 0, result.output
    assert "a-long-password" not in result.output
    row = await session.scalar(select(PrincipalRow).where(PrincipalRow.username == "carla"))
    assert row is not None and row.role == "manager"
    token = await client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": "carla", "password": "a-long-password"},
    )
    assert token.status_code == 200


async def test_create_user_refuses_a_password_on_the_command_line_and_bad_roles(session):
    assert (await invoke("create-user", "x", "--role", "owner")).exit_code != 0
    assert (
        await invoke("create-user", "x", "--role", "king", "--password-stdin", stdin="abcdefghij\n")
    ).exit_code != 0
    assert (
        await invoke("create-user", "x", "--role", "clerk", "--password-stdin", stdin="short\n")
    ).exit_code != 0
    assert await session.scalar(select(PrincipalRow).where(PrincipalRow.username == "x")) is None


async def test_create_api_client_prints_its_secret_once_as_json(client):
    result = await invoke("create-api-client", "Till 9", "--role", "pos-terminal", "--json")
    assert result.exit_code == 0, result.output
    credentials = json.loads(result.output)
    token = await client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", **credentials},
    )
    assert token.status_code == 200
    me = await client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
    )
    assert me.json()["kind"] == "api_client"
    assert me.json()["store"]["code"] == "MAIN"


async def test_create_store_then_a_user_in_it(session):
    result = await invoke("create-store", "bh", "Belo Horizonte")
    assert result.exit_code == 0, result.output
    store = await session.scalar(select(Store).where(Store.code == "BH"))
    assert store is not None and store.quick_sale_customer_id is not None
    store_id = store.id
    result = await invoke(
        "create-user",
        "bia",
        "--role",
        "clerk",
        "--store",
        "BH",
        "--password-stdin",
        stdin="password-bh-1\n",
    )
    assert result.exit_code == 0, result.output
    await session.rollback()  # end the read snapshot to see the command's commit (SQLite)
    row = await session.scalar(select(PrincipalRow).where(PrincipalRow.username == "bia"))
    assert row is not None and row.store_id == store_id
    assert (await invoke("create-store", "BH", "again")).exit_code == 1
    assert (
        await invoke(
            "create-user",
            "z",
            "--role",
            "clerk",
            "--store",
            "NOPE",
            "--password-stdin",
            stdin="password-123\n",
        )
    ).exit_code == 1


def test_migrate_builds_a_fresh_sqlite_database(tmp_path: Path):
    env = os.environ | {"CUSTLEDGER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"}
    done = subprocess.run(
        [sys.executable, "-m", "custledger", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "fresh.db").exists()
    done = subprocess.run(
        [sys.executable, "-m", "custledger", "seed-demo", "--if-empty"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "owner" in done.stdout
