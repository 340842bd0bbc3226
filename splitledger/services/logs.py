"""Structured logs: one JSON object per line in the user's log directory, so that the
story of every state change can be read back (and grepped) after the fact.

The log holds names, descriptions and amounts: its folder is created owner-only (0700)
and the file too (0600; an older, wider file is narrowed when opened). A line holding a
character that is not printable (a control, bidi or invisible character in a logged
argument) is written all in ASCII escapes, so `cat` or `tail` never act on it.

The log is capped: at `MAX_BYTES` (1 MiB, some 8,000 events) it becomes
`splitledger.log.1`, older ones shift up to `.3` and the oldest goes: some 4 MiB in all.
The audit log in the database keeps every change for good; this file is the recent story
for troubleshooting. Events are written without the `logging` module or pathlib (whose
imports cost a command more than the line: ADR 0015); `get_logger` for errors imports
logging when asked. Several terminals write the same file, and logging's
RotatingFileHandler rotates by its own stream's size without regard to other processes
(two of them would rotate twice), so `_EventFile` rotates by renames under a lock of
the folder; how that keeps every line whole is in its docstring.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from splitledger.store.location import log_dir_name

if TYPE_CHECKING:
    import logging
    from pathlib import Path

LOGGER_NAME = "splitledger"
MAX_BYTES = 1 << 20  # a file this large is rotated before the next line
BACKUPS = 3  # rotated files kept: splitledger.log.1 (newest) to .3


_ENCODE = json.JSONEncoder(ensure_ascii=False, default=str).encode  # built once
_ENCODE_ASCII = json.JSONEncoder(default=str).encode


def _line(
    at: float, level: str, name: str, fields: Mapping[str, Any], error: str | None = None
) -> str:
    """One log line: `at` (local time), `level`, `event`, the fields, then `error`."""
    entry: dict[str, Any] = {
        "at": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(at)),
        "level": level,
        "event": name,
    }
    entry.update(fields)
    if error is not None:
        entry["error"] = error
    line = _ENCODE(entry)
    return line if line.isprintable() else _ENCODE_ASCII(entry)


def _log_name() -> str:
    return os.path.join(log_dir_name(), "splitledger.log")


def log_file() -> Path:
    from pathlib import Path

    return Path(_log_name())


def _names(path: str) -> list[str]:
    """The log, then its rotated files from the newest (`.1`) to the oldest kept."""
    return [path, *(f"{path}.{n}" for n in range(1, BACKUPS + 1))]


def log_files() -> list[Path]:
    """The log and the rotated files that exist, newest first."""
    from pathlib import Path

    return [Path(p) for p in _names(_log_name()) if os.path.exists(p)]


def _open_private(path: str) -> int:
    """An O_APPEND descriptor on `path`, created with its folder owner-only; a file
    others could read (written by an older version) is narrowed to 0600."""
    os.makedirs(os.path.dirname(path) or ".", mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with contextlib.suppress(OSError):  # not ours to change: leave it
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
    return fd


def _identity(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


class _EventFile:
    """The log file as an O_APPEND descriptor: a line is one `os.write`, which the kernel
    places at the end of the file, so lines from several threads or processes never
    overwrite or tear each other (~18 µs an event with the size check; through `logging`,
    ~46 µs: docs/performance-notes.md).

    Rotation, with several processes: before each line the writer reads the size of the
    file it holds (`lseek` to its end: other processes' lines count). At `MAX_BYTES` or
    more, it takes an exclusive `flock` of the folder and, only if the name still points
    to that file (no other process rotated it first), renames it to `.1`, older ones up
    one, the oldest replaced; then it opens the name afresh and writes there. A writer
    holding a file another process rotated finds it over the cap at its next line (a
    file is rotated only once over it) and moves to the new file the same way. Only a
    line written between another writer's size check and its rename lands in the
    rotated file: whole, and kept. The descriptor is swapped under a thread lock, so no
    thread writes to a closed one."""

    def __init__(self) -> None:
        self._fd: int | None = None
        self._path = ""
        self._id = (0, 0)
        self._unavailable = False
        self._lock = threading.Lock()

    def write(self, line: str) -> None:
        data = (line + "\n").encode("utf-8")
        with self._lock:
            fd = self._descriptor()
            if fd is None:
                return
            with contextlib.suppress(OSError):  # a full disk must not fail a recorded expense
                if os.lseek(fd, 0, os.SEEK_END) >= MAX_BYTES:  # the file's size, all writers'
                    with contextlib.suppress(OSError):  # not rotated: the line goes in anyway
                        fd = self._rotate()
                os.write(fd, data)

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def _descriptor(self) -> int | None:
        if self._fd is None and not self._unavailable:
            try:
                self._open(_log_name())
            except OSError:
                self._unavailable = True  # no log directory: events are dropped, as before
        return self._fd

    def _open(self, path: str) -> int:
        fd = _open_private(path)
        old, self._fd, self._path, self._id = self._fd, fd, path, _identity(os.fstat(fd))
        if old is not None:
            os.close(old)
        return fd

    def _rotate(self) -> int:
        """Rotate the log if it is still the file this writer holds; the new descriptor."""
        path = self._path
        folder = os.open(os.path.dirname(path) or ".", os.O_RDONLY)
        try:
            fcntl.flock(folder, fcntl.LOCK_EX)  # one rotation at a time; released by close
            with contextlib.suppress(FileNotFoundError):
                if _identity(os.stat(path)) == self._id:
                    names = _names(path)
                    for n in range(BACKUPS, 0, -1):  # .2 to .3, .1 to .2, then the log to .1
                        with contextlib.suppress(FileNotFoundError):
                            os.replace(names[n - 1], names[n])
            return self._open(path)
        finally:
            os.close(folder)


def get_logger() -> logging.Logger:
    """The app's logger for errors with their tracebacks, writing to `log_file()` as
    events are written, one line each, so that they rotate with them (configured once
    per process; `logging` is imported here, not for every command)."""
    import logging

    class JsonFormatter(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            error = self.formatException(record.exc_info) if record.exc_info else None
            fields = getattr(record, "fields", {})
            level, name = record.levelname.lower(), record.getMessage()
            return _line(record.created, level, name, fields, error)

    class EventHandler(logging.Handler):
        def __init__(self) -> None:
            super().__init__()
            self._file = _EventFile()

        def emit(self, record: logging.LogRecord) -> None:
            try:
                self._file.write(self.format(record))
            except Exception:
                self.handleError(record)

        def close(self) -> None:
            self._file.close()
            super().close()

    logger = logging.getLogger(LOGGER_NAME)
    if not logger.handlers:
        handler = EventHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


_EVENTS = _EventFile()


def event(name: str, /, **fields: Any) -> None:
    """Log a state transition with its fields: one JSON line, as `_JsonFormatter`
    writes them."""
    _EVENTS.write(_line(time.time(), "info", name, fields))
