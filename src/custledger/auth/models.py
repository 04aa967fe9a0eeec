"""Principals: the users (username + password) and API clients (client id + secret).

One table for both, so a payment's ``recorded_by`` and an audit row's actor are one foreign key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from custledger.kit.db import Base, JSONColumn, TimestampMixin


class PrincipalRow(TimestampMixin, Base):
    __tablename__ = "principals"
    __table_args__ = (
        CheckConstraint("kind IN ('user', 'api_client')", name="kind"),
        CheckConstraint(
            "(kind = 'user' AND username IS NOT NULL AND password_hash IS NOT NULL) OR "
            "(kind = 'api_client' AND client_id IS NOT NULL AND secret_hash IS NOT NULL)",
            name="credentials",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    username: Mapped[str | None] = mapped_column(String(150), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    client_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    secret_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    permissions: Mapped[list[str]] = mapped_column(JSONColumn)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    throttled_until: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
