"""custledger: the customer ledger of a retail chain."""

__version__ = "0.1.0"
