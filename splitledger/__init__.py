"""splitledger: split shared bills from the terminal, on a double-entry ledger."""

__version__ = "0.1.0"
