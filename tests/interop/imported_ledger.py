"""What the Cospend, Tricount and Settle Up reader tests check alike of a generated
export imported into a fresh ledger: the spending report counts every bill kept in full
(spent, paid and consumed are the bills' own figures) and the balances are what each
paid less what each consumed (what the net postings gave)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from splitledger.domain import Exact, build_expense
from splitledger.interop import formats
from splitledger.interop.imported import ImportedFile, ReadOptions
from splitledger.services import interchange
from splitledger.services.ledger import Ledger
from splitledger.services.views import ReportBucket
from tests.databases import migrated_sqlite

#: A bill as (what each payer paid, each member's share), in cents of EUR.
Bill = tuple[dict[str, int], dict[str, int]]


def ledger_import(
    template: Path, folder: Path, data: bytes, fmt: str
) -> tuple[dict[str, int], tuple[ReportBucket, ...]]:
    """`data` imported as `fmt` into a fresh ledger: its balances and its spending
    report's totals."""
    db = folder / "ledger.db"
    migrated_sqlite(template, db)
    source = folder / f"{fmt}.csv"
    source.write_bytes(data)
    with Ledger.open(str(db), actor="tester") as ledger:
        outcome = interchange.import_file(ledger, "G", source, fmt)
        assert outcome.ok
        assert outcome.report.committed
        balances = {b.member: b.minor for b in ledger.balances("G").balances if b.minor}
        totals = ledger.spending_report("G").totals
    return balances, totals


@dataclass
class Spending:
    """What each member paid and consumed over the bills kept."""

    paid: dict[str, int] = field(default_factory=dict)
    consumed: dict[str, int] = field(default_factory=dict)

    def add(self, payers: Mapping[str, int], shares: Mapping[str, int]) -> None:
        for member, value in payers.items():
            self.paid[member] = self.paid.get(member, 0) + value
        for member, value in shares.items():
            self.consumed[member] = self.consumed.get(member, 0) + value

    def net(self) -> dict[str, int]:
        """What each paid less what each consumed, those at zero left out."""
        members = self.paid.keys() | self.consumed.keys()
        net = {m: self.paid.get(m, 0) - self.consumed.get(m, 0) for m in members}
        return {m: v for m, v in net.items() if v}


def check_exact_bills(
    template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    fmt: str,
    data: bytes,
    bills: Sequence[Bill],
    nonzero: Callable[[dict[str, int]], dict[str, int]],
) -> None:
    """`data`, `bills` written as `fmt`: a bill whose payers paid exactly their own shares
    changes no balance and is left out; every other one is the typed expense of its payers
    and exact shares (`nonzero` leaves out a bill's zero figures, its members in the order
    the format gives them), and the ledger is as `check_ledger` says."""
    found = formats.read(fmt, data, ReadOptions())
    kept = [(nonzero(p), nonzero(s)) for p, s in bills if nonzero(p) != nonzero(s)]
    assert found.no_effect == len(bills) - len(kept)
    spending = Spending()
    for (payers, shares), tx in zip(kept, found.transactions, strict=True):
        assert tx == build_expense(
            total=sum(shares.values()),
            currency="EUR",
            payers=payers,
            split=Exact(shares),
            date=tx.date,
            description=tx.description,
            idempotency_key=tx.idempotency_key,
        )
        spending.add(payers, shares)
    check_ledger(template, tmp_path_factory, fmt, data, found, spending, len(kept))


def check_ledger(
    template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    fmt: str,
    data: bytes,
    found: ImportedFile,
    spending: Spending,
    kept: int,
) -> None:
    """`found` (`data` read as `fmt`, `kept` bills kept) totals each member's paid less
    consumed in EUR; `data` imported into a fresh ledger balances the same, and its report
    spent all that was paid (nothing without a bill kept), each member paying and
    consuming what `spending` says."""
    net = spending.net()
    assert {(m, "EUR"): v for m, v in net.items()} == found.totals
    balances, totals = ledger_import(template, tmp_path_factory.mktemp(fmt), data, fmt)
    assert balances == net
    paid, consumed = spending.paid, spending.consumed
    assert [(t.currency, t.spent) for t in totals] == (
        [("EUR", sum(paid.values()))] if kept else []
    )
    assert {m.member: (m.paid, m.consumed) for t in totals for m in t.members} == {
        m: (paid.get(m, 0), consumed.get(m, 0)) for m in paid.keys() | consumed.keys()
    }
