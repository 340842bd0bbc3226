"""`verify`: prove the books from first principles, and say where they are wrong.

Checks, each reported with the transaction (and group) it concerns: every transaction has
two or more postings that sum to zero per currency; the maintained balances and daily
totals equal the sums of postings; nothing is orphaned or crosses groups; reversals
negate exactly what they reverse; every group's hash chain recomputes, link by link,
to its head; and nothing was written into a closed period after its close (ADR 0018).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from splitledger.services import views
from splitledger.store import repository
from splitledger.store.chain import GENESIS, transaction_hash
from splitledger.store.records import GroupRecord, TxRecord
from splitledger.store.repository import daily_totals, periods
from splitledger.store.unit import Unit

_BATCH = 2_000


def run_checks(unit: Unit) -> views.VerifyReport:
    problems: list[views.Problem] = []
    groups = {g.id: g for g in repository.list_groups(unit)}
    names = {gid: g.name for gid, g in groups.items()}
    member_group = {m: g for m, g in unit.all("SELECT id, group_id FROM members")}

    # Postings per transaction and currency sum to zero; at least two postings each.
    unbalanced = unit.all(
        "SELECT transaction_id, currency, SUM(amount) FROM postings "
        "GROUP BY transaction_id, currency HAVING SUM(amount) != 0"
    )
    for tx_id, currency, total in unbalanced:
        problems.append(
            views.Problem("unbalanced", f"{currency} postings sum to {total}, not zero", tx_id)
        )
    counts: dict[int, int] = {
        tx_id: n
        for tx_id, n in unit.all(
            "SELECT transaction_id, COUNT(*) FROM postings GROUP BY transaction_id"
        )
    }
    tx_rows = unit.all("SELECT id, group_id, reverses_id FROM transactions")
    tx_group = {tx_id: gid for tx_id, gid, _ in tx_rows}
    for tx_id, gid, _ in tx_rows:
        if counts.get(tx_id, 0) < 2:
            problems.append(
                views.Problem("too-few-postings", "fewer than two postings", tx_id, names.get(gid))
            )
        if gid not in groups:
            problems.append(views.Problem("orphan", f"group {gid} does not exist", tx_id))
    for tx_id in counts.keys() - tx_group.keys():
        problems.append(
            views.Problem("orphan", "postings of a transaction that does not exist", tx_id)
        )

    # Postings stay inside their transaction's group; balances equal posting sums.
    sums: dict[tuple[int, str], int] = defaultdict(int)
    postings_checked = 0
    for tx_id, member_id, currency, amount in unit.all(
        "SELECT transaction_id, member_id, currency, amount FROM postings"
    ):
        postings_checked += 1
        sums[member_id, currency] += amount
        if member_group.get(member_id) != tx_group.get(tx_id, member_group.get(member_id)):
            problems.append(
                views.Problem(
                    "cross-group", f"posting to member {member_id} of another group", tx_id
                )
            )
    maintained = {
        (m, c): a for m, c, a in unit.all("SELECT member_id, currency, amount FROM balances")
    }
    for key in sorted(sums.keys() | maintained.keys()):
        if sums.get(key, 0) != maintained.get(key, 0):
            member_id, currency = key
            problems.append(
                views.Problem(
                    "balance-mismatch",
                    f"member {member_id} {currency}: maintained balance "
                    f"{maintained.get(key, 0)} but postings sum to {sums.get(key, 0)}",
                    None,
                    names.get(member_group.get(member_id, -1)),
                )
            )

    problems.extend(_check_reversals(unit, names))
    problems.extend(_check_closed_periods(unit, names))
    for group in groups.values():
        problems.extend(_check_chain(unit, group))
        problems.extend(_check_daily_totals(unit, group))
        maintained_spent = repository.total_spent(unit, group.id)
        if maintained_spent != repository.spent_from_postings(unit, group.id):
            problems.append(
                views.Problem(
                    "spending-mismatch",
                    "maintained total spent differs from the postings",
                    None,
                    group.name,
                )
            )
    return views.VerifyReport(tuple(problems), len(tx_rows), postings_checked)


def _check_daily_totals(unit: Unit, group: GroupRecord) -> list[views.Problem]:
    """The maintained daily totals (ADR 0017) equal what the postings say."""
    problems: list[views.Problem] = []
    checks = (
        ("balance-days-mismatch", "balances by day", daily_totals.stored_balance_days,
         daily_totals.balance_days_from_postings),
        ("spending-days-mismatch", "spending by day", daily_totals.stored_spending_days,
         daily_totals.spending_days_from_postings),
    )  # fmt: skip
    for code, what, stored, derived in checks:
        kept: dict[Any, Any] = stored(unit, group.id)
        truth: dict[Any, Any] = derived(unit, group.id)
        wrong = sorted(k for k in kept.keys() | truth.keys() if kept.get(k) != truth.get(k))
        if wrong:
            day = wrong[0][0]
            problems.append(
                views.Problem(
                    code,
                    f"maintained {what} differ from the postings on {len(wrong)} "
                    f"row(s), the first on {day.isoformat()}",
                    None,
                    group.name,
                )
            )
    return problems


def _check_closed_periods(unit: Unit, names: dict[int, str]) -> list[views.Problem]:
    """Nothing dated in a closed period (nor reversing or replacing what is) was
    written after the close: the application refuses it, so one is a write behind its
    back."""
    problems: list[views.Problem] = []
    for late in periods.late_writes(unit):
        at = late.closed_at  # SQLite: naive UTC
        at = at if at.tzinfo is None else at.astimezone(dt.UTC).replace(tzinfo=None)
        through = late.through.isoformat()
        what = f"dated {late.date.isoformat()}"
        if late.date > late.through:
            what += f", reversing or replacing a transaction dated on or before {through}"
        problems.append(
            views.Problem(
                "closed-period-changed",
                f"{what}: written after the period through {through} was closed "
                f"({at:%Y-%m-%d %H:%M:%S} UTC)",
                late.tx_id,
                names.get(late.group_id),
            )
        )
    return problems


def _check_reversals(unit: Unit, names: dict[int, str]) -> list[views.Problem]:
    problems: list[views.Problem] = []
    pairs = unit.all(
        "SELECT id, reverses_id, group_id FROM transactions WHERE reverses_id IS NOT NULL"
    )
    for rev_id, orig_id, gid in pairs:

        def postings(tx_id: int) -> list[tuple[int, str, int]]:
            rows = unit.all(
                "SELECT member_id, currency, amount FROM postings "
                "WHERE transaction_id = ? ORDER BY id",
                (tx_id,),
            )
            return sorted(rows)

        negated = sorted((m, c, -a) for m, c, a in postings(orig_id or 0))
        if postings(rev_id) != negated:
            problems.append(
                views.Problem(
                    "bad-reversal",
                    f"does not exactly negate transaction {orig_id}",
                    rev_id,
                    names.get(gid),
                )
            )
    return problems


def _check_chain(unit: Unit, group: GroupRecord) -> list[views.Problem]:
    problems: list[views.Problem] = []
    prev, expected_seq = GENESIS, 1
    batch: list[TxRecord] = []

    def flush() -> None:
        nonlocal prev, expected_seq
        postings: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
        for tx_id, m, c, a in unit.all_in(
            "SELECT transaction_id, member_id, currency, amount FROM postings "
            "WHERE transaction_id IN ({}) ORDER BY id",
            [t.id for t in batch],
        ):
            postings[tx_id].append((m, c, a))
        for tx in batch:
            if tx.seq != expected_seq:
                problems.append(
                    views.Problem(
                        "chain-gap",
                        f"sequence {tx.seq}, expected {expected_seq}",
                        tx.id,
                        group.name,
                    )
                )
            if tx.prev_hash != prev:
                problems.append(
                    views.Problem(
                        "chain-broken",
                        "does not link to the previous transaction",
                        tx.id,
                        group.name,
                    )
                )
            digest = transaction_hash(
                prev_hash=tx.prev_hash,
                group_id=tx.group_id,
                seq=tx.seq,
                kind=tx.kind,
                date=tx.date,
                description=tx.description,
                category=tx.category,
                idempotency_key=tx.idempotency_key,
                reverses_id=tx.reverses_id,
                replaces_id=tx.replaces_id,
                actor=tx.actor,
                postings=postings.get(tx.id, []),
                note=tx.note,
            )
            if digest != tx.hash:
                problems.append(
                    views.Problem(
                        "tampered",
                        "content or postings differ from what was recorded",
                        tx.id,
                        group.name,
                    )
                )
            prev, expected_seq = tx.hash, tx.seq + 1
        batch.clear()

    seq = 0
    while page := repository.after_seq(unit, group.id, seq, _BATCH):
        batch.extend(page)
        seq = page[-1].seq
        flush()
    if (group.head_seq, group.head_hash) != (expected_seq - 1, prev):
        problems.append(
            views.Problem(
                "chain-head",
                "the group's chain head does not match its last transaction",
                None,
                group.name,
            )
        )
    return problems
