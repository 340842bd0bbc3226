"""The pure ledger domain: money, splits, transactions, balances and settle-up.

It imports nothing from storage, services or faces (an import-linter contract checks).
"""

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
