"""`export` and `import`: journals and dumps out, Splitwise files and dumps in.

`services.interchange` (with every format's reader and writer) is imported when one of
these commands runs, not when the CLI lists or parses them; so the format names are
spelled here too (tests/unit/test_start_imports.py keeps them equal to interchange's)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click

from splitledger.cli import output
from splitledger.cli.context import json_option, ledger
from splitledger.domain import visible

if TYPE_CHECKING:
    from splitledger.services.interchange import ImportOutcome

#: `services.interchange.EXPORT_FORMATS` and `IMPORT_FORMATS` (auto, then the names of
#: `interop.formats.READERS`).
EXPORT_FORMATS = ("csv", "json", "hledger", "beancount", "splitwise")
IMPORT_FORMATS = (
    "auto",
    "json",
    "spliit",
    "cospend",
    "ihatemoney",
    "splitwise",
    "tricount",
    "settleup",
    "csv",
)


@click.command("export")
@click.argument("group")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    required=True,
    help="csv: one row per posting; json: complete dump (restore with import); "
    "hledger / beancount: journals; splitwise: Splitwise's CSV layout (import reads it back).",
)
@click.option("--output", "-o", "target", default="-", metavar="FILE", help="Default: stdout.")
def export_cmd(group: str, fmt: str, target: str) -> None:
    """Write GROUP's whole history in --format."""
    from splitledger.services import interchange

    book = ledger()
    book.group(group)  # an unknown group fails before any file is created
    with output.output_file(target) as out:
        count = interchange.export_group(book, group, cast(interchange.ExportFormat, fmt), out)
    if target != "-":
        unit = output.count(count, "row" if fmt in ("csv", "splitwise") else "transaction")
        output.note(f"Wrote {unit} of {group!r} to {visible(target)}.")


def _progress() -> Callable[[str, int], None] | None:
    """Counts on stderr while a large file is read and imported, on a terminal only."""
    stream = sys.stderr
    if not stream.isatty():
        return None

    def show(phase: str, done: int) -> None:
        label = "reading" if phase == "read" else "importing"
        stream.write(f"\r{label}: {done} rows…   ")
        stream.flush()

    return show


def _outcome_json(o: ImportOutcome) -> dict[str, Any]:
    r = o.report
    return {
        "group": r.group,
        "source": o.source,
        "format": o.format,
        "detected": o.detected,
        "dry_run": o.dry_run,
        "committed": r.committed,
        "created_group": r.created_group,
        "added_members": list(r.added_members),
        "transactions": o.transactions,
        "recorded": r.recorded,
        "skipped": r.skipped,
        "no_effect": o.no_effect,
        "other_transactions": o.other_transactions,
        "ok": o.ok,
        "totals_from": o.totals_from,
        "notes": [visible(n) for n in o.notes],
        "reconciliation": [
            {
                "member": x.member,
                "currency": x.currency,
                "file_minor": x.file,
                "ledger_minor": x.ledger,
                "file": output.amount(x.file, x.currency),
                "ledger": output.amount(x.ledger, x.currency),
                "ok": x.ok,
            }
            for x in o.reconciliation
        ],
    }


def _outcome_text(o: ImportOutcome) -> str:
    r = o.report
    state = "dry run: nothing was written" if o.dry_run else "committed"
    chosen = f"{o.format}, detected" if o.detected else o.format
    lines = [f"Import of {visible(o.source)} ({chosen}) into {r.group!r} — {state}."]
    if r.created_group:
        lines.append(f"  new group {r.group!r}")
    if r.added_members:
        new = "new member" if len(r.added_members) == 1 else "new members"
        lines.append(f"  {new}: {', '.join(visible(m) for m in r.added_members)}")
    done = "to record" if o.dry_run else "recorded"
    left_out = (
        f"; {output.count(o.no_effect, 'row')} "
        f"{'changes' if o.no_effect == 1 else 'change'} no balance and "
        f"{'was' if o.no_effect == 1 else 'were'} left out"
    )
    lines.append(
        f"  {output.count(o.transactions, 'transaction')} in the file: {r.recorded} {done}, "
        f"{r.skipped} already on the ledger" + (left_out if o.no_effect else "")
    )
    rows = [["member", "currency", "file", "ledger", ""]] + [
        [
            x.member,
            x.currency,
            output.amount(x.file, x.currency),
            output.amount(x.ledger, x.currency),
            "ok" if x.ok else "MISMATCH",
        ]
        for x in o.reconciliation
    ]
    lines.extend(f"  {visible(n)}" for n in o.notes)
    against = "the file" if o.totals_from == "file" else "the sums of the file's cells"
    lines.append(f"Reconciliation (per-member totals, {against} against the ledger):")
    lines.append(output.table(rows, right=frozenset({2, 3})))
    if o.other_transactions:
        lines.append(
            f"  ({r.group!r} also holds {output.count(o.other_transactions, 'transaction')} "
            f"from elsewhere; {'it is' if o.other_transactions == 1 else 'they are'} not part "
            "of these totals.)"
        )
    lines.append("Every total matches exactly." if o.ok else "Totals differ: nothing was imported.")
    return "\n".join(lines)


@click.command("import")
@click.argument("group")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(IMPORT_FORMATS),
    default="auto",
    show_default=True,
    help="The app that wrote FILE; auto tells it from the file's content and says which.",
)
@click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")
@click.option("--currency", metavar="CODE", help="For a new group (default: the file's).")
@click.option(
    "--unbalanced-to",
    metavar="NAME",
    help="Book each row's difference (members who left and have no column) to NAME.",
)
@click.option(
    "--no-footer",
    is_flag=True,
    help="Import a file with no totals line for a currency (not reconciled against one).",
)
@click.option(
    "--map",
    "mapping",
    metavar="FIELD=COLUMN,…|FILE",
    help="For --format csv: which column holds the date, amount, payer, … (FIELD==VALUE: "
    "a constant), or a mapping file of such lines (see docs/cli.md).",
)
@json_option
def import_cmd(
    group: str,
    file: Path,
    fmt: str,
    dry_run: bool,
    currency: str | None,
    unbalanced_to: str | None,
    no_footer: bool,
    mapping: str | None,
    as_json: bool,
) -> None:
    """Import FILE into GROUP (atomic and reconciled).

    All rows or none; rows already on the ledger are skipped, so importing a file twice
    adds nothing; each member's total in the file must equal the ledger's to the cent."""
    from splitledger.services import interchange

    progress = _progress()
    try:
        outcome = interchange.import_file(
            ledger(),
            group,
            file,
            fmt,
            dry_run=dry_run,
            currency=currency,
            progress=progress,
            unbalanced_to=unbalanced_to,
            no_footer=no_footer,
            mapping=None if mapping is None else interchange.parse_mapping(mapping),
        )
    finally:
        if progress is not None:
            sys.stderr.write("\r\033[K")
    if as_json:
        output.emit_json(_outcome_json(outcome))
    else:
        output.echo(_outcome_text(outcome))
