"""Every table, imported once so the metadata (Alembic, tests) sees the whole schema."""

from custledger.auth.models import PrincipalRow
from custledger.balance.models import MonthlyTotal
from custledger.customers.models import Customer, CustomerMerge
from custledger.kit.audit import AuditEntry
from custledger.kit.db import Base, Counter
from custledger.kit.idempotency import IdempotencyRecord
from custledger.orders.models import Delivery, Order
from custledger.payments.models import Cheque, Payment
from custledger.stores.models import Store

__all__ = [
    "AuditEntry",
    "Base",
    "Cheque",
    "Counter",
    "Customer",
    "CustomerMerge",
    "Delivery",
    "IdempotencyRecord",
    "MonthlyTotal",
    "Order",
    "Payment",
    "PrincipalRow",
    "Store",
]
