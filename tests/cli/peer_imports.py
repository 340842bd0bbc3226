"""What the CLI tests of the other splitters' formats (Cospend, Tricount, Settle Up)
check alike: a sample imports and reconciles, a second import records nothing, a longer
export records only its new rows, `--format auto` names the format, a bad or hostile
file exits 2 with one plain line naming the row and column, having written nothing,
markup in a title stays text, bills are posted as the same bills typed here are and
reported in full, and a sample whose bills were recorded net (as the readers posted them
before) imports again as nothing new. The IHateMoney and Spliit tests, whose refusals
come before any group exists, share the import and the one-line refusal checks."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from splitledger.cli.main import cli
from splitledger.domain import Posting, Transaction
from splitledger.interop import formats
from splitledger.interop.imported import ReadOptions
from splitledger.services.inputs import ImportEntry
from splitledger.services.ledger import Ledger
from tests.cli.conftest import Run, Shared, ok_json, state

SAMPLES = Path(__file__).parent.parent / "interop" / "samples"
#: What CLI output must never carry: escapes, bidi controls, Rich markup rendered.
NOT_PLAIN = re.compile("[\x1b\u202a-\u202e\u2066-\u2069\x00-\x08]")


def sample(fmt: str, name: str) -> bytes:
    return (SAMPLES / fmt / name).read_bytes()


def with_row(good: bytes, cells: dict[str, str], **changes: str) -> bytes:
    """`good` with its row `cells` (joined by commas, with the trailing one the apps
    write) replaced by that row with `changes` made to its cells."""

    def row(values: dict[str, str]) -> bytes:
        return (",".join(values.values()) + ",").encode()

    return good.replace(row(cells), row({**cells, **changes}))


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def imported(run: Run, path: Path, *extra: str, group: str = "Flat") -> dict[str, Any]:
    result = ok_json(run("import", group, str(path), "--json", *extra))
    assert isinstance(result, dict)
    return result


def ledger_balances(run: Run, group: str = "Flat") -> dict[tuple[str, str], int]:
    data = ok_json(run("balances", group, "--json"))
    return {(b["member"], b["currency"]): b["minor"] for b in data["balances"] if b["minor"]}


def check_imports_and_reconciles(
    run: Run, path: Path, fmt: str, expected: dict[tuple[str, str], int], transactions: int
) -> dict[str, Any]:
    """Imported with --format auto: detected, committed, reconciled against the cells."""
    report = imported(run, path)
    assert (report["format"], report["detected"]) == (fmt, True)
    assert (report["committed"], report["ok"], report["totals_from"]) == (True, True, "rows")
    assert (report["transactions"], report["recorded"]) == (transactions, transactions)
    file_totals = {(r["member"], r["currency"]): r["file_minor"] for r in report["reconciliation"]}
    assert {k: v for k, v in file_totals.items() if v} == expected
    assert ledger_balances(run) == expected
    assert ok_json(run("verify", "--json"))["ok"] is True
    text = run("import", "Flat", str(path), "--dry-run").stdout
    assert f"({fmt}, detected)" in text
    assert "the sums of the file's cells against the ledger" in text
    return report


def check_reimport_and_longer(run: Run, path: Path, longer: Path, added: int) -> None:
    """Importing again records nothing; a longer export records only its new rows."""
    first = imported(run, path)
    again = imported(run, path)
    assert (again["recorded"], again["skipped"], again["ok"]) == (0, first["transactions"], True)
    more = imported(run, longer)
    assert (more["recorded"], more["skipped"], more["ok"]) == (added, first["transactions"], True)
    assert imported(run, longer)["recorded"] == 0


def check_refused(shared: Shared, tmp_path: Path, fmt: str, data: bytes, message: str) -> None:
    """Exit 2, one plain line starting with `message`, and nothing written."""
    url, ledger = shared
    before = state(ledger)
    path = write(tmp_path, f"{fmt}.csv", data)
    result = CliRunner().invoke(cli, ["--db", url, "import", "Trip", str(path), "--format", fmt])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {fmt}.csv: {message}"), result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr[:-1].isprintable()
    assert not NOT_PLAIN.search(result.stderr), result.stderr
    assert state(ledger) == before


def refusal_test(fmt: str, *tables: dict[str, tuple[bytes, str]]) -> Callable[..., None]:
    """The test that every case of `tables` (id: file, message) is refused as
    `check_refused` says; a module binds it to a `test_…` name for pytest to collect."""
    cases = [case for table in tables for case in table.values()]

    @pytest.mark.parametrize(
        ("data", "message"), cases, ids=[name for table in tables for name in table]
    )
    def test(shared: Shared, tmp_path: Path, data: bytes, message: str) -> None:
        check_refused(shared, tmp_path, fmt, data, message)

    return test


def check_refused_before_any_group(run: Run, result: Result, message: str) -> None:
    """Exit 2, one line naming `message` with no escape, and no group created."""
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "\x1b" not in result.stderr
    assert message in result.stderr
    assert ok_json(run("group", "list", "--json")) == {"groups": []}


def check_markup_kept(run: Run, tmp_path: Path, data: bytes) -> list[dict[str, Any]]:
    """The file's title `[bold]x[/]` is imported and shown as those characters; returns
    the group's history for the caller's own checks."""
    imported(run, write(tmp_path, "markup.csv", data))
    history: list[dict[str, Any]] = ok_json(run("history", "Flat", "--json"))["transactions"]
    assert "[bold]x[/]" in [t["description"] for t in history]
    assert "[bold]x[/]" in run("history", "Flat").stdout
    return history


def net_of(tx: Transaction) -> Transaction:
    """`tx` as the readers posted it before: each member's net effect, in order."""
    net: dict[str, int] = {}
    for p in tx.postings:
        net[p.account] = net.get(p.account, 0) + p.minor
    postings = tuple(Posting(m, tx.postings[0].currency, v) for m, v in net.items() if v)
    return dataclasses.replace(tx, postings=postings)


def check_net_before_imports_as_nothing_new(
    run: Run, tmp_path: Path, ledger_url: str, fmt: str, name: str, skipped: int
) -> None:
    """The sample `name` of `fmt`, its transactions first recorded net in "Flat" (as the
    net readers recorded them), imports again recording nothing and skipping `skipped`."""
    data = sample(fmt, name)
    found = formats.read(fmt, data, ReadOptions())
    with Ledger.open(ledger_url, actor="tester") as ledger:
        ledger.import_transactions(
            "Flat",
            "EUR",
            found.members,
            [ImportEntry(net_of(t)) for t in found.transactions],
            source=name,
        )
    again = imported(run, write(tmp_path, name, data))
    assert (again["recorded"], again["skipped"]) == (0, skipped)


def postings(tx: dict[str, Any]) -> list[tuple[str, int]]:
    """A transaction of the CLI's JSON as (member, minor) in the order it is posted."""
    return [(p["member"], p["minor"]) for p in tx["postings"]]


def check_posted_as_typed_and_reported_in_full(
    run: Run,
    tmp_path: Path,
    ledger_url: str,
    data: bytes,
    spent: int,
    members: dict[str, tuple[int, int]],
    typed: Sequence[Sequence[str]],
) -> None:
    """`data` imported into "Flat": the spending report's one total is `spent` EUR, with
    each member's (paid, consumed) as `members` says; each imported bill is posted as the
    same bill typed with the `expense add Flat` arguments of `typed` (its title first)."""
    imported(run, write(tmp_path, "two.csv", data))
    with Ledger.open(ledger_url, actor="tester") as ledger:
        (total,) = ledger.spending_report("Flat").totals
    assert (total.currency, total.spent) == ("EUR", spent)
    assert {m.member: (m.paid, m.consumed) for m in total.members} == members
    history = ok_json(run("history", "Flat", "--json"))["transactions"]
    as_imported = {t["description"]: postings(t) for t in history}
    for args in typed:
        bill = ok_json(run("expense", "add", "Flat", *args, "--json"))
        assert as_imported[args[0]] == postings(bill)
