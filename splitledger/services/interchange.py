"""Export and import use cases: the pure formats of `splitledger.interop` composed with a
`Ledger`. Exports stream a group's history in bounded memory and reach their target only
when complete; imports are atomic, idempotent (keys from the file) and reconciled against
the file's own totals."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal, TextIO, cast

from splitledger import __version__
from splitledger.domain import DomainError, Posting, Rate, visible
from splitledger.interop import beancount, formats, hledger, json_dump, tables
from splitledger.interop.errors import ExportError, FormatError
from splitledger.interop.imported import ImportedFile, ReadOptions
from splitledger.interop.records import GroupRecord, TxRecord
from splitledger.interop.text import decode, decode_head
from splitledger.services.errors import InvalidInput, NotFound
from splitledger.services.inputs import ImportEntry
from splitledger.services.ledger import Ledger
from splitledger.services.views import GroupView, ImportReport, RateView, TxView

ExportFormat = Literal["csv", "json", "hledger", "beancount", "splitwise"]
#: "auto" or a name of `interop.formats.READERS`.
ImportFormat = str
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "json", "hledger", "beancount", "splitwise")
IMPORT_FORMATS: tuple[ImportFormat, ...] = ("auto", *formats.READERS)
#: Larger files are refused before reading: 64 MiB is ~500,000 Splitwise rows.
MAX_IMPORT_BYTES = 64 * 1024 * 1024
#: An export is held in memory up to this size, then in a private temporary file.
SPOOL_BYTES = 8 * 1024 * 1024

Balances = dict[tuple[str, str], int]


def tx_record(tx: TxView, keys: Mapping[int, str]) -> TxRecord:
    """A service view as the formats see it; `keys` maps earlier ids to their keys."""
    return TxRecord(
        id=tx.id,
        date=tx.date,
        kind=tx.kind,
        description=tx.description,
        category=tx.category,
        key=tx.idempotency_key,
        postings=tuple(Posting(p.member, p.currency, p.minor) for p in tx.postings),
        reverses=keys.get(tx.reverses_id) if tx.reverses_id is not None else None,
        replaces=keys.get(tx.replaces_id) if tx.replaces_id is not None else None,
        actor=tx.actor,
        note=tx.note,
    )


def tx_records(ledger: Ledger, group: str) -> Iterator[TxRecord]:
    """Every transaction of `group`, oldest first, with links resolved to keys."""
    keys: dict[int, str] = {}
    for tx in ledger.iter_transactions(group):
        keys[tx.id] = tx.idempotency_key
        yield tx_record(tx, keys)


def group_record(view: GroupView, rates: Sequence[RateView] = ()) -> GroupRecord:
    return GroupRecord(
        view.name,
        view.currency,
        view.members,
        tuple(Rate(r.date, r.base, r.quote, Decimal(r.rate)) for r in rates),
    )


def export_group(ledger: Ledger, group: str, fmt: ExportFormat, out: TextIO) -> int:
    """Write `group` to `out` in `fmt`; returns the number of transactions (for CSV, of
    rows). Raises `NotFound` for an unknown group, and `InvalidInput` for a ledger the
    format cannot hold, before anything reaches `out`: the export is written aside (in
    memory, then in a private temporary file) and copied to `out` only when complete, so
    a failure midway never leaves half a journal on stdout."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"unknown export format {fmt!r}", field="format")
    view = ledger.group(group)
    record = group_record(view, ledger.rates(view.name))
    with tempfile.SpooledTemporaryFile(
        max_size=SPOOL_BYTES, mode="w+", encoding="utf-8", newline=""
    ) as spool:
        try:
            count = _write(fmt, record, tx_records(ledger, view.name), cast(TextIO, spool))
        except (ExportError, DomainError) as exc:
            # Text or dates stored before today's checks that the format cannot hold.
            raise InvalidInput(f"{fmt} export of {view.name!r}: {exc}", field="format") from None
        spool.seek(0)
        shutil.copyfileobj(spool, out)
    return count


def _write(fmt: ExportFormat, record: GroupRecord, txs: Iterator[TxRecord], out: TextIO) -> int:
    if fmt == "csv":
        return tables.write_history(out, txs)
    if fmt == "hledger":
        return hledger.write_journal(out, record, txs)
    if fmt == "beancount":
        return beancount.write_ledger(out, record, txs)
    if fmt == "splitwise":
        from splitledger.interop.splitwise_export import write_splitwise

        return write_splitwise(out, record, txs)
    return json_dump.write_dump(
        out,
        record,
        txs,
        generator=f"splitledger {__version__}",
        exported_at=dt.datetime.now(dt.UTC),
    )


@dataclass(frozen=True, slots=True)
class Reconciled:
    """One member's total in one currency: in the file, and on the ledger after the
    import (the file's transactions only; other transactions of the group aside)."""

    member: str
    currency: str
    file: int
    ledger: int

    @property
    def ok(self) -> bool:
        return self.file == self.ledger


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    source: str
    #: the format read (the one detected, for "auto"), and whether it was detected
    format: str
    report: ImportReport
    #: transactions in the file, and rows that change no balance (left out)
    transactions: int
    no_effect: int
    #: transactions of the group that did not come from this file
    other_transactions: int
    reconciliation: tuple[Reconciled, ...]
    dry_run: bool
    detected: bool = False
    #: "file": reconciled with the file's own totals; "rows": with its cells' sums
    totals_from: str = "file"
    #: what the reader had to say (differences booked to a member, a missing footer)
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.reconciliation)


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise InvalidInput(
                f"file: {visible(path.name)} is {size / 2**20:.0f} MiB; the limit is "
                f"{MAX_IMPORT_BYTES // 2**20} MiB (split the file)",
                field="file",
            )
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            f"file: cannot read {visible(str(path))}: {exc.strerror}", field="file"
        ) from None


def _parse(data: bytes, fmt: str, options: ReadOptions) -> tuple[ImportedFile, bool]:
    """The file read as `fmt` ("auto": as the format its start looks like), and whether
    the format was detected."""
    if fmt == "auto" and options.mapping is not None:
        fmt = "csv"  # a mapping says what the columns are: the generic CSV, never guessed
    if fmt != "auto":
        return formats.read(fmt, data, options), False
    chosen = formats.detect(decode_head(data[: formats.HEAD_CHARS * 4]))
    return formats.read(chosen, data, options), True


#: A mapping file is a few lines; anything larger is not one.
MAX_MAPPING_BYTES = 64 * 1024


def parse_mapping(text: str) -> dict[str, str]:
    """`--map` for the generic CSV as {field: column} (a constant as "=VALUE"): inline
    `date=Date,amount=Cost,payer==ann`, or, when the text holds no `=`, the path of a
    mapping file with one `field = column` (or `field == constant`) a line, `#`
    comments and blank lines. Checked against `interop.generic_csv`'s fields and the
    input policy; `InvalidInput` on field "map" naming the part."""
    if "=" in text:
        parts: list[tuple[int | None, str]] = [(None, p) for p in text.split(",")]
    else:
        parts = _mapping_file(Path(text).expanduser())
    mapping: dict[str, str] = {}
    for line, part in parts:
        where = "map: " if line is None else f"map: line {line}: "
        field_name, sep, column = part.strip().partition("=")
        if not sep or not field_name.strip() or not column.strip().lstrip("=").strip():
            raise InvalidInput(
                f"{where}{visible(part.strip())!r} is not FIELD=COLUMN (or FIELD==VALUE)",
                field="map",
            )
        key = field_name.strip().lower()
        if key in mapping:
            raise InvalidInput(f"{where}{visible(field_name.strip())} given twice", field="map")
        mapping[key] = column.strip()
    from splitledger.interop import generic_csv  # the fields and their checks

    try:
        generic_csv.check_mapping(mapping)
    except FormatError as exc:
        raise InvalidInput(visible(str(exc)), field="map") from None
    return mapping


def _mapping_file(path: Path) -> list[tuple[int | None, str]]:
    """The mapping lines of a `--map FILE`, numbered, without comments and blanks."""
    try:
        if path.stat().st_size > MAX_MAPPING_BYTES:
            raise InvalidInput(
                f"map: {visible(str(path))} is larger than a mapping file "
                f"({MAX_MAPPING_BYTES // 1024} KiB)",
                field="map",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            f"map: cannot read {visible(str(path))}: {exc.strerror} (--map takes "
            "FIELD=COLUMN,… or a mapping file)",
            field="map",
        ) from None
    try:
        text = decode(data)
    except FormatError as exc:
        raise InvalidInput(f"map: {visible(str(path))}: {exc}", field="map") from None
    lines: list[tuple[int | None, str]] = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        raise InvalidInput(f"map: {visible(str(path))} maps nothing", field="map")
    return lines


def _existing(ledger: Ledger, group: str) -> tuple[GroupView | None, dict[str, Balances]]:
    """The group (None if new) and the balance effect of each of its transactions, by key."""
    try:
        view = ledger.group(group)
    except NotFound:
        return None, {}
    held: dict[str, Balances] = {}
    for tx in ledger.iter_transactions(view.name):
        effect: Balances = defaultdict(int)
        for p in tx.postings:
            effect[p.member, p.currency] += p.minor
        held[tx.idempotency_key] = dict(effect)
    return view, held


def _group_currency(ledger: Ledger, group: str) -> str | None:
    try:
        return ledger.group(group).currency
    except NotFound:
        return None


def import_file(
    ledger: Ledger,
    group: str,
    path: Path,
    fmt: ImportFormat,
    *,
    dry_run: bool = False,
    currency: str | None = None,
    progress: Callable[[str, int], None] | None = None,
    unbalanced_to: str | None = None,
    no_footer: bool = False,
    mapping: Mapping[str, str] | None = None,
) -> ImportOutcome:
    """Import `path` into `group` (created, with missing members, as needed): all rows or
    none. Rows already on the ledger (same key, same content) are skipped, so importing
    a file twice adds nothing. The ledger's totals for the file's transactions must
    equal the file's own totals to the minor unit, else nothing is written. `progress`
    is called with ("read" | "import", rows done); `unbalanced_to`, `no_footer` and
    `mapping` are the readers' `ReadOptions`."""
    if fmt not in IMPORT_FORMATS:
        raise InvalidInput(f"unknown import format {fmt!r}", field="format")
    source = visible(path.name)  # named in messages and the audit log: never raw controls
    try:
        # The raw bytes are not kept past parsing (10 MB per 100,000 rows).
        options = ReadOptions(
            unbalanced_to=unbalanced_to,
            no_footer=no_footer,
            mapping=mapping,
            progress=None if progress is None else lambda n: progress("read", n),
            # A file that names no currency (IHateMoney's XXX) is in --currency, else in
            # the currency of the group it goes into.
            currency=currency or _group_currency(ledger, group),
        )
        parsed, detected = _parse(_read(path), fmt, options)
    except FormatError as exc:
        raise InvalidInput(f"{source}: {exc}", field="file") from None
    view, held = _existing(ledger, group)
    if view is not None and currency is not None and currency.upper() != view.currency:
        raise InvalidInput(
            f"currency: {view.name!r} already exists in {view.currency}, not {currency}",
            field="currency",
        )
    group_currency = view.currency if view else currency or parsed.currency
    if group_currency is None:
        raise InvalidInput(
            "currency: the file has no transactions to tell the group's currency; give --currency",
            field="currency",
        )
    already: Balances = defaultdict(int)
    from_file = 0
    entries = [
        ImportEntry(
            tx,
            reverses_key=parsed.reverses.get(tx.idempotency_key),
            replaces_key=parsed.replaces.get(tx.idempotency_key),
        )
        for tx in parsed.transactions
    ]
    for entry in entries:
        effect = held.get(entry.tx.idempotency_key)
        if effect is not None:
            from_file += 1
            for k, v in effect.items():
                already[k] += v
    expected = {k: parsed.totals.get(k, 0) - already.get(k, 0) for k in parsed.totals}
    for k, v in already.items():
        expected.setdefault(k, -v)
    report = ledger.import_transactions(
        group,
        group_currency,
        parsed.members,
        entries,
        source=source,
        expected=expected,
        dry_run=dry_run,
        progress=None if progress is None else lambda n: progress("import", n),
        rates=parsed.rates,
    )
    after: Balances = defaultdict(int, already)
    for k, v in report.changes.items():
        after[k] += v
    rows = tuple(
        Reconciled(m, c, parsed.totals.get((m, c), 0), after.get((m, c), 0))
        for m, c in sorted(parsed.totals.keys() | {k for k, v in after.items() if v})
    )
    return ImportOutcome(
        source=source,
        format=parsed.format,
        report=report,
        transactions=len(entries),
        no_effect=parsed.no_effect,
        other_transactions=len(held) - from_file,
        reconciliation=rows,
        dry_run=dry_run,
        detected=detected,
        totals_from=parsed.totals_from,
        notes=parsed.notes,
    )
