"""Migration 0008 on data recorded before the duplicate-cheque rule: a cheque recorded twice
keeps both payments; the earliest copy gets the key, the later ones none, and the unique
index is built."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command

from custledger.cli import alembic_config


def test_0008_keys_the_first_copy_of_a_cheque_recorded_twice_and_goes_back(tmp_path: Path):
    path = tmp_path / "cheques.db"
    config = alembic_config(f"sqlite+aiosqlite:///{path}")
    config.attributes["configure_logger"] = False  # type: ignore[attr-defined]
    command.upgrade(config, "0006")  # type: ignore[arg-type]
    columns = (
        "id, payment_id, customer_id, predated_to, issuer_tax_id, issuer_name, bank, branch,"
        " account, cheque_number"
    )
    rows = [
        (1, 1, 1, "2026-01-10", "12345678909", "Ana", "001", "1234", "56789-0", "000101"),
        (2, 2, 2, "2026-01-10", "12345678909", "Ana", "1", "1234", "567890", "101"),
        (3, 3, 1, "2026-01-10", "12345678909", "Ana", "001", "1234", "56789-0", "000102"),
        (4, 4, 3, "2026-01-10", "12345678909", "Ana", "001", "1234", "56789-0", "101"),
    ]
    with sqlite3.connect(path) as db:
        db.executemany(f"INSERT INTO cheques ({columns}) VALUES (?,?,?,?,?,?,?,?,?,?)", rows)

    command.upgrade(config, "0008")  # type: ignore[arg-type]
    with sqlite3.connect(path) as db:
        keys = dict(db.execute("SELECT id, duplicate_key FROM cheques ORDER BY id"))
        indexes = {row[1]: row[2] for row in db.execute("PRAGMA index_list('cheques')")}
    assert keys == {1: "1|1234|567890|101", 2: None, 3: "1|1234|567890|102", 4: None}
    assert indexes["uq_cheques_duplicate_key"] == 1  # unique

    command.downgrade(config, "0006")  # type: ignore[arg-type]
    with sqlite3.connect(path) as db:
        names = [row[1] for row in db.execute("PRAGMA table_info('cheques')")]
        assert db.execute("SELECT count(*) FROM cheques").fetchone() == (4,)
    assert "duplicate_key" not in names
