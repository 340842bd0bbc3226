"""A command whose write waits for another terminal's lock says so once, on stderr,
after a second, when stderr is a terminal; a script (no terminal) hears nothing. Real
processes: the ledger lock is held by this test, the command runs as a user runs it."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from splitledger.cli import context
from splitledger.cli.context import WaitNotice
from splitledger.services.ledger import Ledger
from tests.integration.test_lock_waits import lock_held

SCRIPT = Path(sys.executable).with_name("splitledger")
NOTICE = "waiting for the ledger lock…"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "SPLITLEDGER_LOG_DIR": str(tmp_path / "logs")}


def _read_until(fd: int, wanted: str, seconds: float) -> str:
    """What the terminal `fd` shows until `wanted` appears (or `seconds` pass)."""
    seen = b""
    deadline = time.monotonic() + seconds
    while wanted.encode() not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            seen += os.read(fd, 1024)
    return seen.decode(errors="replace")


def test_a_waiting_command_says_so_once_on_a_terminal(db_url: str, env: dict[str, str]) -> None:
    with Ledger.open(db_url) as ledger:
        ledger.create_group("Trip", "EUR", ["ann", "bob"])
    main, terminal = pty.openpty()
    try:
        with lock_held(db_url):
            started = time.monotonic()
            process = subprocess.Popen(
                [str(SCRIPT), "--db", db_url, "payment", "add", "Trip", "ann", "bob", "5"],
                stdout=subprocess.PIPE,
                stderr=terminal,
                env=env,
            )
            shown = _read_until(main, NOTICE, 30)
            waited = time.monotonic() - started
            # Still waiting: the lock is held until the notice was seen.
            assert process.poll() is None
        out, _ = process.communicate(timeout=30)
        shown += _read_until(main, "never", 0.2)  # whatever else came (nothing)
    finally:
        os.close(terminal)
        os.close(main)
    assert process.returncode == 0
    assert waited >= 1.0
    assert shown.strip().splitlines() == [NOTICE]
    assert b"Recorded payment" in out


def test_a_script_waits_without_a_word(db_url: str, env: dict[str, str]) -> None:
    with Ledger.open(db_url) as ledger:
        ledger.create_group("Trip", "EUR", ["ann", "bob"])
    with lock_held(db_url):
        process = subprocess.Popen(
            [str(SCRIPT), "--db", db_url, "payment", "add", "Trip", "ann", "bob", "5"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        # The command waits at least as long as it would before saying anything.
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(timeout=1.5)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0
    assert err == b""
    assert b"Recorded payment" in out


def test_the_notice_comes_after_a_second_and_once(monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []
    monkeypatch.setattr(context, "echo", lambda text="", *, err=False: said.append(text))
    notice = WaitNotice()
    for waited in (0.25, 0.5, 0.75, 0.99):
        notice(waited)
    assert said == []
    notice(1.01)
    notice(1.26)
    assert said == [NOTICE]
