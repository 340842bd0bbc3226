"""The entry point starts the app without the command line's parser only when the
arguments do nothing but open it (`--db TARGET` at most); anything else is parsed by
click exactly as before."""

from __future__ import annotations

import subprocess
import sys

import pytest

from splitledger.launch import app_target


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], (True, None)),
        (["--db", "ledgers/l.db"], (True, "ledgers/l.db")),
        (["--db=postgresql://h/db"], (True, "postgresql://h/db")),
        (["--db"], (False, None)),  # the parser says a value is missing
        (["--db", ""], (False, None)),
        (["--db="], (False, None)),
        (["--db", "--help"], (False, None)),
        (["--db", "x.db", "balances"], (False, None)),
        (["balances", "G"], (False, None)),
        (["--version"], (False, None)),
        (["-h"], (False, None)),
        (["--db", "bad\udcff.db"], (False, None)),  # not UTF-8: the parser refuses it
    ],
)
def test_only_an_app_launch_skips_the_parser(
    args: list[str], expected: tuple[bool, str | None]
) -> None:
    assert app_target(args) == expected


def test_the_entry_point_loads_no_parser_and_no_app_until_it_knows_which() -> None:
    probe = (
        "import sys, splitledger.launch\n"
        "print(sorted(m for m in ('click', 'textual') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
