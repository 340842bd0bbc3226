"""Data access for the ledger: every function works inside the caller's transaction (a
`Unit`: the driver's cursor, plain SQL; ADR 0015); none commits. Writes go through
`append_transactions`, which keeps the postings, the maintained balances and the hash
chain consistent in one DB transaction.

The functions live in one module per subject (groups, idempotency, audit_log, appending,
transactions, totals, history_pages, exchange_rates) and are all re-exported here, so
that use cases call `repository.save_request(...)` without knowing which module holds
it. Module names differ from the functions they hold (`totals.balances`,
`history_pages.history`), so that no re-export is shadowed by a submodule."""

from __future__ import annotations

from splitledger.store.repository.appending import KIND_TEXT, Written, append_transactions
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
    "reversals_of",
    "save_request",
    "set_archived",
    "spent_from_postings",
    "to_domain",
    "total_spent",
    "utcnow",
    "with_key_prefix",
]
