"""`verify`: prove the books from first principles, and say where they are wrong.

Checks, each reported with the transaction (and group) it concerns: every transaction has
two or more postings that sum to zero per currency; the maintained balances equal the
sums of postings; nothing is orphaned or crosses groups; reversals negate exactly what
they reverse; and every group's hash chain recomputes, link by link, to its head.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from splitledger.services.views import Problem, VerifyReport
from splitledger.store import repository
from splitledger.store.chain import GENESIS, transaction_hash
from splitledger.store.schema import BalanceRow, GroupRow, MemberRow, PostingRow, TransactionRow

_BATCH = 2_000


def run_checks(session: Session) -> VerifyReport:
    problems: list[Problem] = []
    groups = {g.id: g for g in session.scalars(select(GroupRow))}
    names = {gid: g.name for gid, g in groups.items()}
    member_group = {m: g for m, g in session.execute(select(MemberRow.id, MemberRow.group_id))}

    # Postings per transaction and currency sum to zero; at least two postings each.
    unbalanced = session.execute(
        select(PostingRow.transaction_id, PostingRow.currency, func.sum(PostingRow.amount))
        .group_by(PostingRow.transaction_id, PostingRow.currency)
        .having(func.sum(PostingRow.amount) != 0)
    )
    for tx_id, currency, total in unbalanced:
        problems.append(
            Problem("unbalanced", f"{currency} postings sum to {total}, not zero", tx_id)
        )
    counts: dict[int, int] = {
        tx_id: n
        for tx_id, n in session.execute(
            select(PostingRow.transaction_id, func.count()).group_by(PostingRow.transaction_id)
        )
    }
    tx_rows = session.execute(
        select(TransactionRow.id, TransactionRow.group_id, TransactionRow.reverses_id)
    ).all()
    tx_group = {tx_id: gid for tx_id, gid, _ in tx_rows}
    for tx_id, gid, _ in tx_rows:
        if counts.get(tx_id, 0) < 2:
            problems.append(
                Problem("too-few-postings", "fewer than two postings", tx_id, names.get(gid))
            )
        if gid not in groups:
            problems.append(Problem("orphan", f"group {gid} does not exist", tx_id))
    for tx_id in counts.keys() - tx_group.keys():
        problems.append(Problem("orphan", "postings of a transaction that does not exist", tx_id))

    # Postings stay inside their transaction's group; balances equal posting sums.
    sums: dict[tuple[int, str], int] = defaultdict(int)
    postings_checked = 0
    for tx_id, member_id, currency, amount in session.execute(
        select(
            PostingRow.transaction_id, PostingRow.member_id, PostingRow.currency, PostingRow.amount
        )
    ):
        postings_checked += 1
        sums[member_id, currency] += amount
        if member_group.get(member_id) != tx_group.get(tx_id, member_group.get(member_id)):
            problems.append(
                Problem("cross-group", f"posting to member {member_id} of another group", tx_id)
            )
    maintained = {
        (m, c): a
        for m, c, a in session.execute(
            select(BalanceRow.member_id, BalanceRow.currency, BalanceRow.amount)
        )
    }
    for key in sorted(sums.keys() | maintained.keys()):
        if sums.get(key, 0) != maintained.get(key, 0):
            member_id, currency = key
            problems.append(
                Problem(
                    "balance-mismatch",
                    f"member {member_id} {currency}: maintained balance "
                    f"{maintained.get(key, 0)} but postings sum to {sums.get(key, 0)}",
                    None,
                    names.get(member_group.get(member_id, -1)),
                )
            )

    problems.extend(_check_reversals(session, names))
    for group in groups.values():
        problems.extend(_check_chain(session, group))
        maintained_spent = repository.total_spent(session, group.id)
        if maintained_spent != repository.spent_from_postings(session, group.id):
            problems.append(
                Problem(
                    "spending-mismatch",
                    "maintained total spent differs from the postings",
                    None,
                    group.name,
                )
            )
    return VerifyReport(tuple(problems), len(tx_rows), postings_checked)


def _check_reversals(session: Session, names: dict[int, str]) -> list[Problem]:
    problems: list[Problem] = []
    pairs = session.execute(
        select(TransactionRow.id, TransactionRow.reverses_id, TransactionRow.group_id).where(
            TransactionRow.reverses_id.is_not(None)
        )
    )
    for rev_id, orig_id, gid in pairs:

        def postings(tx_id: int) -> list[tuple[int, str, int]]:
            rows = session.execute(
                select(PostingRow.member_id, PostingRow.currency, PostingRow.amount)
                .where(PostingRow.transaction_id == tx_id)
                .order_by(PostingRow.id)
            )
            return sorted(rows)

        negated = sorted((m, c, -a) for m, c, a in postings(orig_id or 0))
        if postings(rev_id) != negated:
            problems.append(
                Problem(
                    "bad-reversal",
                    f"does not exactly negate transaction {orig_id}",
                    rev_id,
                    names.get(gid),
                )
            )
    return problems


def _check_chain(session: Session, group: GroupRow) -> list[Problem]:
    problems: list[Problem] = []
    prev, expected_seq = GENESIS, 1
    query = (
        select(TransactionRow)
        .where(TransactionRow.group_id == group.id)
        .order_by(TransactionRow.seq)
        .execution_options(yield_per=_BATCH)
    )
    batch: list[TransactionRow] = []

    def flush() -> None:
        nonlocal prev, expected_seq
        postings: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
        for tx_id, m, c, a in session.execute(
            select(
                PostingRow.transaction_id,
                PostingRow.member_id,
                PostingRow.currency,
                PostingRow.amount,
            )
            .where(PostingRow.transaction_id.in_([t.id for t in batch]))
            .order_by(PostingRow.id)
        ):
            postings[tx_id].append((m, c, a))
        for tx in batch:
            if tx.seq != expected_seq:
                problems.append(
                    Problem(
                        "chain-gap",
                        f"sequence {tx.seq}, expected {expected_seq}",
                        tx.id,
                        group.name,
                    )
                )
            if tx.prev_hash != prev:
                problems.append(
                    Problem(
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
            )
            if digest != tx.hash:
                problems.append(
                    Problem(
                        "tampered",
                        "content or postings differ from what was recorded",
                        tx.id,
                        group.name,
                    )
                )
            prev, expected_seq = tx.hash, tx.seq + 1
        batch.clear()

    for tx in session.scalars(query):
        batch.append(tx)
        if len(batch) >= _BATCH:
            flush()
    if batch:
        flush()
    if (group.head_seq, group.head_hash) != (expected_seq - 1, prev):
        problems.append(
            Problem(
                "chain-head",
                "the group's chain head does not match its last transaction",
                None,
                group.name,
            )
        )
    return problems
