"""Writing a settle-up plan as CSV that is safe to open in a spreadsheet (names that
look like formulas are neutralised by the shared `interop.csv_safe`) and private: the
file appears whole or not at all, readable by its owner only
(`services.files.private_file`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from splitledger.domain import Transfer, to_decimal, visible
from splitledger.interop.csv_safe import write_csv
from splitledger.services.files import private_file

HEADER = ("from", "to", "amount", "currency")


def write_plan(path: Path, transfers: Sequence[Transfer]) -> Path:
    """Write `transfers` to a new file at `path` (never overwrites: `FileExistsError`);
    returns its path. Names are written as the app shows them (`visible`). A failure
    (`InvalidInput`) leaves no file behind."""
    target = path.expanduser()
    if target.exists() or target.is_symlink():
        raise FileExistsError(str(target))
    with private_file(target, field="file") as handle:
        write_csv(
            handle,
            HEADER,
            (
                [visible(t.payer), visible(t.payee), to_decimal(t.minor, t.currency), t.currency]
                for t in transfers
            ),
        )
    return target.resolve()
