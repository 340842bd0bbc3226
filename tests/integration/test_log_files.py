"""The log holds names, descriptions and amounts: it is created owner-only (the file
0600, its folder 0700), whichever writer creates it, whatever the umask; a log another
version left readable to others is narrowed. A logged value that could act on a
terminal is written in ASCII escapes."""

from __future__ import annotations

import json
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from splitledger.services import logs


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A log folder not made yet, a permissive umask, and a logger configured afresh."""
    folder = tmp_path / "state" / "log"
    monkeypatch.setenv("SPLITLEDGER_LOG_DIR", str(folder))
    logger = logging.getLogger(logs.LOGGER_NAME)
    saved = logger.handlers[:]
    logger.handlers.clear()
    old_umask = os.umask(0o022)
    try:
        yield folder
    finally:
        os.umask(old_umask)
        for handler in logger.handlers:
            handler.close()
        logger.handlers[:] = saved


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_event_creates_the_log_owner_only(log_dir: Path) -> None:
    logs._EventFile().write('{"event": "test"}')
    assert _mode(log_dir) == 0o700
    assert _mode(log_dir / "splitledger.log") == 0o600


def test_an_error_creates_the_log_owner_only(log_dir: Path) -> None:
    """The logging handler (tracebacks of unexpected failures) used to create it 0644."""
    logs.get_logger().error("test.error")
    assert _mode(log_dir) == 0o700
    assert _mode(log_dir / "splitledger.log") == 0o600


def test_a_log_readable_by_others_is_narrowed(log_dir: Path) -> None:
    log_dir.mkdir(parents=True)
    path = log_dir / "splitledger.log"
    path.write_text("old\n")
    path.chmod(0o644)
    logs._EventFile().write('{"event": "test"}')
    assert _mode(path) == 0o600
    assert path.read_text() == 'old\n{"event": "test"}\n'


def test_values_that_could_act_on_a_terminal_are_escaped(log_dir: Path) -> None:
    logs.get_logger().error(
        "cli.unexpected", extra={"fields": {"args": ["x\x1b[2J\x9b\u202e", "Zoë"]}}
    )
    logs.get_logger().error("plain", extra={"fields": {"args": ["Zoë"]}})
    for handler in logging.getLogger(logs.LOGGER_NAME).handlers:
        handler.flush()
    text = (log_dir / "splitledger.log").read_text(encoding="utf-8")
    first, second = text.splitlines()
    assert first.isascii()
    assert json.loads(first)["args"] == ["x\x1b[2J\x9b\u202e", "Zoë"]
    assert '"Zoë"' in second  # printable text stays readable
