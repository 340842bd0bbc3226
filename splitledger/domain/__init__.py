"""The pure ledger domain: money, splits, transactions, balances and settle-up.

It imports nothing from storage, services or faces (an import-linter contract checks).

Names load lazily (PEP 562): `domain.format_amount` imports `domain.money` alone, so a
read that formats balances never pays for splits, rates or the text policy. The
`TYPE_CHECKING` imports below name the same things for mypy and editors; a unit test
keeps them and `_LAZY` in step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from splitledger.lazy import lazy_attributes

if TYPE_CHECKING:
    from splitledger.domain.allocation import allocate, seed_from_key
    from splitledger.domain.balances import fold_balances
    from splitledger.domain.currency import exponent, normalize_currency
    from splitledger.domain.errors import (
        AmountError,
        CurrencyError,
        DomainError,
        SettlementError,
        SplitError,
        UnbalancedError,
    )
    from splitledger.domain.fx import (
        Rate,
        RateError,
        RateTable,
        build_conversion,
        build_fx_difference,
        converted_quota,
        exchange_account,
        is_exchange_account,
        parse_rate,
        round_half_even,
    )
    from splitledger.domain.limits import DATE_MAX, DATE_MIN, MAX_ID, check_date
    from splitledger.domain.money import (
        MAX_MINOR,
        Money,
        check_minor,
        format_amount,
        from_decimal,
        parse_amount,
        parse_decimal,
        to_decimal,
    )
    from splitledger.domain.settle import Transfer, greedy_plan, plan_all, plan_settlement
    from splitledger.domain.splits import (
        Adjust,
        Equal,
        Exact,
        Item,
        Itemised,
        Percent,
        Shares,
        Split,
        compute_shares,
    )
    from splitledger.domain.text import TextError, clean_text, fold_cell, name_key, visible
    from splitledger.domain.transactions import (
        Posting,
        Transaction,
        TxKind,
        build_expense,
        build_payment,
        build_reversal,
        currency_sums,
    )

#: Each public name -> the submodule (of this package) that defines it.
_LAZY: dict[str, str] = {
    "allocate": "allocation",
    "seed_from_key": "allocation",
    "fold_balances": "balances",
    "exponent": "currency",
    "normalize_currency": "currency",
    "AmountError": "errors",
    "CurrencyError": "errors",
    "DomainError": "errors",
    "SettlementError": "errors",
    "SplitError": "errors",
    "UnbalancedError": "errors",
    "Rate": "fx",
    "RateError": "fx",
    "RateTable": "fx",
    "build_conversion": "fx",
    "build_fx_difference": "fx",
    "converted_quota": "fx",
    "exchange_account": "fx",
    "is_exchange_account": "fx",
    "parse_rate": "fx",
    "round_half_even": "fx",
    "DATE_MAX": "limits",
    "DATE_MIN": "limits",
    "MAX_ID": "limits",
    "check_date": "limits",
    "MAX_MINOR": "money",
    "Money": "money",
    "check_minor": "money",
    "format_amount": "money",
    "from_decimal": "money",
    "parse_amount": "money",
    "parse_decimal": "money",
    "to_decimal": "money",
    "Transfer": "settle",
    "greedy_plan": "settle",
    "plan_all": "settle",
    "plan_settlement": "settle",
    "Adjust": "splits",
    "Equal": "splits",
    "Exact": "splits",
    "Item": "splits",
    "Itemised": "splits",
    "Percent": "splits",
    "Shares": "splits",
    "Split": "splits",
    "compute_shares": "splits",
    "TextError": "text",
    "clean_text": "text",
    "fold_cell": "text",
    "name_key": "text",
    "visible": "text",
    "Posting": "transactions",
    "Transaction": "transactions",
    "TxKind": "transactions",
    "build_expense": "transactions",
    "build_payment": "transactions",
    "build_reversal": "transactions",
    "currency_sums": "transactions",
}

__all__ = [
    "DATE_MAX",
    "DATE_MIN",
    "MAX_ID",
    "MAX_MINOR",
    "Adjust",
    "AmountError",
    "CurrencyError",
    "DomainError",
    "Equal",
    "Exact",
    "Item",
    "Itemised",
    "Money",
    "Percent",
    "Posting",
    "Rate",
    "RateError",
    "RateTable",
    "SettlementError",
    "Shares",
    "Split",
    "SplitError",
    "TextError",
    "Transaction",
    "Transfer",
    "TxKind",
    "UnbalancedError",
    "allocate",
    "build_conversion",
    "build_expense",
    "build_fx_difference",
    "build_payment",
    "build_reversal",
    "check_date",
    "check_minor",
    "clean_text",
    "compute_shares",
    "converted_quota",
    "currency_sums",
    "exchange_account",
    "exponent",
    "fold_balances",
    "fold_cell",
    "format_amount",
    "from_decimal",
    "greedy_plan",
    "is_exchange_account",
    "name_key",
    "normalize_currency",
    "parse_amount",
    "parse_decimal",
    "parse_rate",
    "plan_all",
    "plan_settlement",
    "round_half_even",
    "seed_from_key",
    "to_decimal",
    "visible",
]


if not TYPE_CHECKING:  # hidden from mypy, so that a misspelt name is still an error
    __getattr__, __dir__ = lazy_attributes(__name__, _LAZY, prefix=f"{__name__}.")
