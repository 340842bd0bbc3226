"""The first frame on the terminal is the first screen's: the empty screen under it is not
painted while the ledger opens (a frame nobody needs, on the CPU the opening needs), and
importing the app loads only what that frame needs.

The app runs as a user starts it, in a pseudo-terminal, until its first screen is on it."""

from __future__ import annotations

import ast
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from splitledger.services.ledger import Ledger

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")

APP = (
    "import sys; from splitledger.tui.app import SplitLedgerApp; SplitLedgerApp(sys.argv[1]).run()"
)
ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|P[^\x1b]*\x1b\\|.)")
COLUMNS, LINES = 100, 30


def text_until(db: Path, wanted: str, log_dir: Path) -> str:
    """What the app, started on `db` in a pseudo-terminal, writes until `wanted` is on
    the screen, escape sequences left out."""
    import fcntl  # (POSIX only)
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    env = {**os.environ, "SPLITLEDGER_LOG_DIR": str(log_dir), "TERM": "xterm-256color"}
    proc = subprocess.Popen(
        [sys.executable, "-c", APP, str(db)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    seen, text = b"", ""
    try:
        deadline = time.monotonic() + 60
        while wanted not in text:
            assert time.monotonic() < deadline, text[-500:]
            if select.select([master], [], [], 0.5)[0]:
                seen += os.read(master, 65536)
                text = ESCAPES.sub("", seen.decode(errors="replace"))
        return text[: text.index(wanted)]
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        os.close(master)


def blank_before_first_text(text: str) -> int:
    """How many blank cells the app wrote before its first visible character."""
    return len(text) - len(text.lstrip(" \r\n"))


def test_the_first_frame_is_the_balances(demo: Ledger, db_path: Path, tmp_path: Path) -> None:
    group = demo.groups()[0].name
    before = text_until(db_path, group, tmp_path)
    # A painted empty screen would be a whole screen of blanks before the header.
    assert blank_before_first_text(before) < COLUMNS


def test_the_first_frame_is_the_welcome(ledger: Ledger, db_path: Path, tmp_path: Path) -> None:
    before = text_until(db_path, "Welcome to splitledger", tmp_path)
    assert blank_before_first_text(before) < COLUMNS


#: Loaded when first used, never by importing the app: the use cases (the opening worker
#: imports them), the input models, and every screen but the balances.
NOT_AT_IMPORT = (
    "pydantic",
    "sqlalchemy",
    "alembic",
    "splitledger.services.ledger",
    "splitledger.services.inputs",
    "splitledger.services.demo",
    "splitledger.tui.commands",
    "splitledger.tui.screens.welcome",
    "splitledger.tui.screens.help",
    "splitledger.tui.screens.history",
    "splitledger.tui.screens.expense_form",
    "splitledger.tui.screens.settle",
    "splitledger.tui.screens.members",
    "splitledger.tui.screens.groups",
    "splitledger.tui.screens.transaction",
    "splitledger.tui.screens.recurring",
    "splitledger.tui.due_offer",
)


def test_importing_the_app_loads_only_what_the_first_frame_needs() -> None:
    code = "import sys, splitledger.tui.app; print(sorted(sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(ast.literal_eval(done.stdout))
    assert loaded.isdisjoint(NOT_AT_IMPORT), sorted(loaded.intersection(NOT_AT_IMPORT))
