"""The `splitledger` command's entry point (and `python -m splitledger`'s).

Run with no arguments, or only `--db TARGET`, it starts the app without loading the
command line's parser: click costs the app's first frame ~12 ms of the ~50 ms it may
take beyond a bare Textual app (ADR 0015). Everything else goes to `splitledger.cli`,
which parses it as it always did (so `--db` with no value, `-h`, and the rest answer
exactly as before).
"""

from __future__ import annotations

import sys


def app_target(args: list[str]) -> tuple[bool, str | None]:
    """Whether `args` only open the app, and the `--db` they name (None: the default)."""
    if not args:
        return True, None
    if len(args) == 2 and args[0] == "--db":
        value = args[1]
    elif len(args) == 1 and args[0].startswith("--db="):
        value = args[0].removeprefix("--db=")
    else:
        return False, None
    if not value or value.startswith("-") or not _is_text(value):
        return False, None  # the parser says what is wrong with it
    return True, value


def _is_text(arg: str) -> bool:
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8, as surrogate escapes
        return False
    return True


def main() -> None:
    """Console-script entry point."""
    direct, target = app_target(sys.argv[1:])
    if direct:
        from splitledger.tui.app import SplitLedgerApp

        SplitLedgerApp(target=target).run()
        return
    from splitledger.cli.main import main as parse_and_run

    parse_and_run()
