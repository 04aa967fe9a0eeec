"""``custledger seed-demo``: a demo business on an empty database."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.auth.models import PrincipalRow
from custledger.auth.roles import Role
from custledger.customers.models import Customer
from custledger.kit.errors import Conflict
from custledger.users import service as users

DEMO_OWNER = ("owner", "owner-demo-password")


async def seed(session: AsyncSession, *, if_empty: bool = False) -> list[str]:
    has_customers = await session.scalar(
        select(func.count()).select_from(Customer).where(Customer.is_quick_sale.is_(False))
    )
    has_users = await session.scalar(select(func.count()).select_from(PrincipalRow))
    if has_customers or has_users:
        if if_empty:
            return ["the database already has data; nothing seeded"]
        raise Conflict("seed-demo fills an empty database; this one already has data.")
    username, password = DEMO_OWNER
    await users.create_user(
        session, username=username, password=password, role=Role.OWNER, name="Demo Owner"
    )
    return [f"demo owner login: username {username!r}, password {password!r}"]
