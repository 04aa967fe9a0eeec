"""Sales tests: customers are arranged through the models (as the orders tests do); sales,
orders and payments only through the API. The clock is pinned, so "today" is known."""

from __future__ import annotations

from tests.orders.conftest import add_payment, make_customer, pinned_clock, quick_sale_id

__all__ = ["add_payment", "make_customer", "pinned_clock", "quick_sale_id"]
