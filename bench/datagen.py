"""Deterministic benchmark data: a group of 10 members with N expenses in mixed split
modes and a payment every 25th entry (~4 postings each), as domain transactions ready to
import, and as a Splitwise-format CSV (the real import format).

    .venv/bin/python -m bench.datagen --expenses 100000 --csv bench/data/group.csv
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from splitledger import domain
from splitledger.domain import Transaction, fold_balances
from splitledger.services.inputs import ImportEntry

MEMBERS = tuple(f"member{i:02d}" for i in range(10))
CURRENCY = "EUR"
START = dt.date(2020, 1, 1)
CATEGORIES = ("Food", "Rent", "Travel", "Fun", "Utilities")


def transactions(count: int, *, seed: int = 2026) -> Iterator[Transaction]:
    """`count` entries: expenses split four ways in one of five modes, and payments."""
    rnd = random.Random(seed)
    for i in range(count):
        day = START + dt.timedelta(days=i // 50)
        key = f"bench-{i}"
        if i % 25 == 24:
            payer, payee = rnd.sample(MEMBERS, 2)
            yield domain.build_payment(
                payer=payer,
                payee=payee,
                amount=rnd.randint(100, 20000),
                currency=CURRENCY,
                date=day,
                idempotency_key=key,
            )
            continue
        total = rnd.randint(200, 50000)
        who = tuple(rnd.sample(MEMBERS, 3))
        payer = who[0] if i % 3 else rnd.choice(MEMBERS)
        mode = i % 5
        split: domain.Split
        if mode == 0:
            split = domain.Equal(who)
        elif mode == 1:
            first = rnd.randint(0, total)
            second = rnd.randint(0, total - first)
            split = domain.Exact({who[0]: first, who[1]: second, who[2]: total - first - second})
        elif mode == 2:
            split = domain.Percent({who[0]: Decimal(50), who[1]: Decimal(30), who[2]: Decimal(20)})
        elif mode == 3:
            split = domain.Shares({who[0]: Decimal(2), who[1]: Decimal(1), who[2]: Decimal(1)})
        else:
            extra = min(total // 4, 500)
            split = domain.Adjust({who[0]: extra, who[1]: 0, who[2]: 0})
        yield domain.build_expense(
            total=total,
            currency=CURRENCY,
            payers={payer: total},
            split=split,
            date=day,
            description=f"Expense {i}",
            idempotency_key=key,
            category=CATEGORIES[i % 5],
        )


def entries(count: int, *, seed: int = 2026) -> list[ImportEntry]:
    return [ImportEntry(tx) for tx in transactions(count, seed=seed)]


def write_splitwise_csv(path: Path, count: int, *, seed: int = 2026) -> dict[str, int]:
    """Write the entries as Splitwise exports them: one row per entry with each member's
    net effect, then a "Total balance" row. Returns the expected balances."""
    path.parent.mkdir(parents=True, exist_ok=True)
    txs = list(transactions(count, seed=seed))
    fmt = lambda minor: domain.format_amount(minor, CURRENCY, grouping=False)  # noqa: E731
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Date", "Description", "Category", "Cost", "Currency", *MEMBERS])
        for tx in txs:
            net = fold_balances(tx.postings)[CURRENCY]
            cost = sum(p.minor for p in tx.postings if p.minor > 0)  # postings are gross
            category = "Payment" if tx.kind is domain.TxKind.PAYMENT else tx.category
            out.writerow(
                [
                    tx.date.isoformat(),
                    tx.description,
                    category,
                    fmt(cost),
                    CURRENCY,
                    *(fmt(net.get(m, 0)) for m in MEMBERS),
                ]
            )
        totals = fold_balances(p for tx in txs for p in tx.postings)[CURRENCY]
        out.writerow(
            ["", "Total balance", "", "", CURRENCY, *(fmt(totals.get(m, 0)) for m in MEMBERS)]
        )
    return {m: totals.get(m, 0) for m in MEMBERS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--expenses", type=int, default=100_000)
    parser.add_argument("--csv", type=Path, default=Path("bench/data/group.csv"))
    args = parser.parse_args()
    totals = write_splitwise_csv(args.csv, args.expenses)
    print(f"wrote {args.csv} ({args.expenses:,} rows); balances: {totals}")


if __name__ == "__main__":
    main()
