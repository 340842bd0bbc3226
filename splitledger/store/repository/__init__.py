"""Data access for the ledger: every function works inside the caller's transaction (a
`Unit`: the driver's cursor, plain SQL; ADR 0015); none commits. Writes go through
`append_transactions`, which keeps the postings, the maintained balances and the hash
chain consistent in one DB transaction.

The functions live in one module per subject (groups, idempotency, audit_log, appending,
transactions, totals, history_pages, exchange_rates) and are all re-exported here, so
that use cases call `repository.save_request(...)` without knowing which module holds
it. Module names differ from the functions they hold (`totals.balances`,
`history_pages.history`), so that no re-export is shadowed by a submodule.

Names load lazily (PEP 562), as the domain's do: a read of balances imports `groups` and
`totals`, not the write path's hashing or the history queries (ADR 0015). The
`TYPE_CHECKING` imports name the same things for mypy; a unit test keeps them, `_LAZY`
and `__all__` in step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from splitledger.lazy import lazy_attributes

if TYPE_CHECKING:
    from splitledger.store.repository.appending import KIND_TEXT, Written, append_transactions
    from splitledger.store.repository.as_of import (
        balances_as_of,
        reversals_apart,
        spending_rows,
    )
    from splitledger.store.repository.audit_log import audit, audit_many, audit_trail
    from splitledger.store.repository.clock import utcnow
    from splitledger.store.repository.exchange_rates import add_rate, find_rate, rates
    from splitledger.store.repository.groups import (
        GroupHead,
        MemberRef,
        add_group,
        add_member,
        change_token,
        group_head,
        group_names,
        group_token,
        list_groups,
        member_refs,
        rename_group,
        rename_member,
        set_archived,
    )
    from splitledger.store.repository.history_pages import HistoryFilter, history, history_query
    from splitledger.store.repository.idempotency import SeenRequest, find_request, save_request
    from splitledger.store.repository.totals import balances, spent_from_postings, total_spent
    from splitledger.store.repository.transactions import (
        after_seq,
        find_by_keys,
        find_reversal,
        get_transaction,
        postings_of,
        reversals_of,
        to_domain,
        with_key_prefix,
    )

#: Each public name -> the submodule (of this package) that defines it.
_LAZY: dict[str, str] = {
    "KIND_TEXT": "appending",
    "Written": "appending",
    "append_transactions": "appending",
    "balances_as_of": "as_of",
    "reversals_apart": "as_of",
    "spending_rows": "as_of",
    "audit": "audit_log",
    "audit_many": "audit_log",
    "audit_trail": "audit_log",
    "utcnow": "clock",
    "add_rate": "exchange_rates",
    "find_rate": "exchange_rates",
    "rates": "exchange_rates",
    "GroupHead": "groups",
    "MemberRef": "groups",
    "add_group": "groups",
    "add_member": "groups",
    "change_token": "groups",
    "group_head": "groups",
    "group_names": "groups",
    "group_token": "groups",
    "list_groups": "groups",
    "member_refs": "groups",
    "rename_group": "groups",
    "rename_member": "groups",
    "set_archived": "groups",
    "HistoryFilter": "history_pages",
    "history": "history_pages",
    "history_query": "history_pages",
    "SeenRequest": "idempotency",
    "find_request": "idempotency",
    "save_request": "idempotency",
    "balances": "totals",
    "spent_from_postings": "totals",
    "total_spent": "totals",
    "after_seq": "transactions",
    "find_by_keys": "transactions",
    "find_reversal": "transactions",
    "get_transaction": "transactions",
    "postings_of": "transactions",
    "reversals_of": "transactions",
    "to_domain": "transactions",
    "with_key_prefix": "transactions",
}

__all__ = [
    "KIND_TEXT",
    "GroupHead",
    "HistoryFilter",
    "MemberRef",
    "SeenRequest",
    "Written",
    "add_group",
    "add_member",
    "add_rate",
    "after_seq",
    "append_transactions",
    "audit",
    "audit_many",
    "audit_trail",
    "balances",
    "balances_as_of",
    "change_token",
    "find_by_keys",
    "find_rate",
    "find_request",
    "find_reversal",
    "get_transaction",
    "group_head",
    "group_names",
    "group_token",
    "history",
    "history_query",
    "list_groups",
    "member_refs",
    "postings_of",
    "rates",
    "rename_group",
    "rename_member",
    "reversals_apart",
    "reversals_of",
    "save_request",
    "set_archived",
    "spending_rows",
    "spent_from_postings",
    "to_domain",
    "total_spent",
    "utcnow",
    "with_key_prefix",
]


if not TYPE_CHECKING:  # hidden from mypy, so that a misspelt name is still an error
    __getattr__, __dir__ = lazy_attributes(__name__, _LAZY, prefix=f"{__name__}.")
