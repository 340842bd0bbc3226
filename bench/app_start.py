"""Whole-process start-up of the app, as a user sees it: in a real pseudo-terminal.

Each sample spawns a process on a pty (stdin, stdout and stderr: Textual draws on
stderr) and times from the spawn until a known text is in what the process wrote
(escape sequences stripped):

- `app`: `splitledger --db DB` until the first group's balances are on screen (the
  amount of one member's balance, as the chart prints it);
- `welcome`: the app on an empty ledger until its welcome text is on screen;
- `bare`: a bare Textual app that shows one Static (the floor: Python, Textual, a
  terminal and one paint).

Each also has its CPU time to that point (`*_cpu`: user + system, read when the
process is reaped): on a machine shared with other work it moves far less than the wall
time, which waits for the CPU as well.

The three are interleaved (app, welcome, bare, app, …) on a noisy machine, and each
figure is a median with its min and max.

    .venv/bin/python -m bench.app_start              # the demo trip, 9 samples each
    .venv/bin/python -m bench.app_start --db BIG.db  # another ledger's first group
    .venv/bin/python -m bench.app_start --runs 3     # quicker
    .venv/bin/python -m bench.app_start --before DIR # also DIR's app (a source tree,
                                                     # e.g. from `git archive`), interleaved
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from splitledger.domain.money import format_amount
from splitledger.services.demo import load_demo
from splitledger.services.ledger import Ledger

SIZE = (120, 40)  # columns, lines
RUNS = 9
WELCOME_TEXT = "Welcome to splitledger"
BARE_TEXT = "bare-app-ready"
BARE_APP = f"""
from textual.app import App
from textual.widgets import Static


class Bare(App[None]):
    def compose(self):
        yield Static({BARE_TEXT!r})


Bare().run()
"""
_ESCAPES = re.compile(
    rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|P[^\x1b]*\x1b\\|.)"
)


def time_to_text(
    argv: list[str], text: str, env: dict[str, str], limit: float = 60.0
) -> tuple[float, float]:
    """Seconds from spawning `argv` on a new pty until `text` is on its screen, and the
    CPU seconds (user + system) the process had used by then (steadier than the wall
    time on a busy machine)."""
    master, slave = os.openpty()
    cols, lines = SIZE
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, cols, 0, 0))
    wanted = text.encode()
    seen = b""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    try:
        while True:
            if time.perf_counter() - start > limit:
                raise TimeoutError(f"{text!r} never came: {_ESCAPES.sub(b'', seen)[-300:]!r}")
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the process ended (EIO)
                raise RuntimeError(
                    f"{argv[0]} ended before {text!r}: {_ESCAPES.sub(b'', seen)[-500:]!r}"
                ) from None
            seen += chunk
            if wanted in _ESCAPES.sub(b"", seen):
                wall = time.perf_counter() - start
                os.killpg(proc.pid, signal.SIGKILL)
                _pid, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = os.waitstatus_to_exitcode(status)
                return wall, usage.ru_utime + usage.ru_stime
    finally:
        if proc.returncode is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)


def balances_text(db: str) -> str:
    """A text the balances screen shows once the balances are on it: the amount of the
    first group's most negative balance (it appears nowhere else on that screen)."""
    with Ledger.open(db) as ledger:
        first = ledger.first_screen()
        if first is None:
            raise SystemExit(f"{db} has no group")
        _group, view = first
        lowest = min(view.balances, key=lambda b: b.minor)
        return format_amount(abs(lowest.minor), lowest.currency)


def _figures(name: str, samples: list[float]) -> dict[str, float]:
    return {
        name: statistics.median(samples),
        f"{name}_min": min(samples),
        f"{name}_max": max(samples),
    }


def measure(db: str | None = None, runs: int = RUNS, before: str | None = None) -> dict[str, float]:
    """Interleaved samples of the three start-ups; `db`: a ledger to show (default: the
    demo trip, written to a temporary file); `before`: another source tree whose app and
    welcome screen are timed too (`app_before`, `welcome_before`), in the same rounds."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **{k: v for k, v in os.environ.items() if k != "SPLITLEDGER_DB"},
            "SPLITLEDGER_LOG_DIR": tmp,
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "COLUMNS": str(SIZE[0]),
            "LINES": str(SIZE[1]),
        }
        if db is None:
            db = str(Path(tmp) / "demo.db")
            with Ledger.open(db) as ledger:
                load_demo(ledger)
        empty = str(Path(tmp) / "empty.db")
        Ledger.open(empty).close()  # the schema is there: no first-run migration timed
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        marker = balances_text(db)
        samples: dict[str, list[tuple[float, float]]] = {"app": [], "welcome": [], "bare": []}
        trees = {"": env}
        if before is not None:
            trees["_before"] = {**env, "PYTHONPATH": str(Path(before).resolve())}
            samples.update(app_before=[], welcome_before=[])
        for _ in range(runs):
            for suffix, tree_env in trees.items():
                app = [sys.executable, "-m", "splitledger", "--db"]
                samples["app" + suffix].append(time_to_text([*app, db], marker, tree_env))
                samples["welcome" + suffix].append(
                    time_to_text([*app, empty], WELCOME_TEXT, tree_env)
                )
            samples["bare"].append(time_to_text([sys.executable, str(bare)], BARE_TEXT, env))
    figures: dict[str, float] = {}
    for name, got in samples.items():
        figures.update(_figures(name, [wall for wall, _cpu in got]))
        figures.update(_figures(f"{name}_cpu", [cpu for _wall, cpu in got]))
    figures["samples"] = float(runs)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a ledger with a group (default: the demo trip)")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--before", help="a source tree to compare with, in the same rounds")
    args = parser.parse_args()
    got = measure(args.db, args.runs, args.before)
    for name in ("app", "app_before", "welcome", "welcome_before", "bare"):
        if name not in got:
            continue
        for key, what in ((name, "wall"), (f"{name}_cpu", "CPU ")):
            ratio = "" if name == "bare" else f"  {got[key] / got[key.replace(name, 'bare')]:.2f}×"
            print(
                f"{name:15} {what} {got[key] * 1000:6.0f} ms "
                f"({got[key + '_min'] * 1000:.0f}–{got[key + '_max'] * 1000:.0f}){ratio}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
