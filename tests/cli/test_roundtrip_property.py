"""Property: for any history built through the services, export to JSON and import into
an empty database gives identical balances and history (SQLite; the example-based tests
cover PostgreSQL)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from hypothesis import given, settings

from splitledger.services import interchange
from splitledger.services.errors import Conflict, InvalidInput
from splitledger.services.ledger import Ledger
from tests.cli.ledger_ops import Op, apply, operations

MEMBERS = ["ann", "bob", "cy", "dee"]

OPERATIONS = operations(MEMBERS, ["EUR", "JPY"], ["EUR", "BHD"])


@settings(max_examples=5)
@given(OPERATIONS)
def test_json_export_import_preserves_balances_and_history(ops: list[Op]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Ledger.open(str(folder / "a.db"), actor="t") as source:
            source.create_group("G", "EUR", MEMBERS)
            apply(source, ops, (InvalidInput, Conflict))  # paying oneself, reversing twice
            out = io.StringIO()
            interchange.export_group(source, "G", "json", out)
            (folder / "g.json").write_text(out.getvalue(), encoding="utf-8")
            want_balances = source.balances("G").balances
            want_history = source.history("G", limit=100)
        with Ledger.open(str(folder / "b.db"), actor="t") as target:
            outcome = interchange.import_file(target, "G", folder / "g.json", "json")
            assert outcome.ok
            assert target.balances("G").balances == want_balances
            assert target.history("G", limit=100) == want_history
            assert target.verify().ok
