"""Property: for any group built through the services, `export --format splitwise` then
`import --format auto` into an empty database gives the same balances (issue 18), the
import reconciles against the file's own footers, and importing the file again records
nothing. Names a spreadsheet would run as a formula come back with the leading `'` the
export gives every such CSV cell (csv_safe); every other name as it was."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from hypothesis import given, settings

from splitledger.interop.csv_safe import neutralise
from splitledger.services import interchange
from splitledger.services.errors import Conflict, InvalidInput, NotFound
from splitledger.services.ledger import Ledger
from tests.cli.ledger_ops import Op, apply, operations

MEMBERS = ["ann", "Bob Smith", "zoë", "李雷", "=cmd"]

OPERATIONS = operations(MEMBERS, ["EUR", "JPY", "BHD"], ["EUR", "USD"], removals=True)


def _nonzero(ledger: Ledger) -> dict[tuple[str, str], int]:
    return {(b.member, b.currency): b.minor for b in ledger.balances("G").balances if b.minor}


@settings(max_examples=8, deadline=None)
@given(OPERATIONS)
def test_splitwise_export_import_gives_the_same_balances(ops: list[Op]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Ledger.open(str(folder / "a.db"), actor="t") as source:
            source.create_group("G", "EUR", MEMBERS)
            # paying oneself, a removed member, a balance left: refused, nothing written
            apply(source, ops, (InvalidInput, Conflict, NotFound))
            out = io.StringIO()
            interchange.export_group(source, "G", "splitwise", out)
            (folder / "g.csv").write_text(out.getvalue(), encoding="utf-8", newline="")
            want = {(neutralise(m), c): v for (m, c), v in _nonzero(source).items()}
        with Ledger.open(str(folder / "b.db"), actor="t") as target:
            outcome = interchange.import_file(target, "G", folder / "g.csv", "auto", currency="EUR")
            assert (outcome.format, outcome.detected, outcome.ok) == ("splitwise", True, True)
            assert outcome.totals_from == "file"
            assert _nonzero(target) == want
            again = interchange.import_file(target, "G", folder / "g.csv", "auto")
            assert (again.report.recorded, again.ok) == (0, True)
            assert target.verify().ok
