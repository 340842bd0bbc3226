"""The event log is capped: it rotates when a line takes it past `MAX_BYTES`, keeps at
most `BACKUPS` rotated files, owner-only like the log, and loses or tears no line while
several threads of several processes write it through their rotations."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from splitledger.services import logs


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "log"
    monkeypatch.setenv("SPLITLEDGER_LOG_DIR", str(folder))
    return folder


def _lines(folder: Path) -> list[str]:
    """Every line of the log and its rotated files, oldest first."""
    files = sorted(folder.iterdir(), key=lambda p: -int(p.suffix[1:]) if p.suffix != ".log" else 0)
    return [line for f in files for line in f.read_text(encoding="utf-8").splitlines()]


def test_the_log_rotates_at_the_cap_and_keeps_a_few_files(
    log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 4096)
    events = logs._EventFile()
    try:
        for n in range(600):  # ~60 KB: some fifteen rotations
            events.write(json.dumps({"event": "test", "n": n, "pad": "x" * 60}))
    finally:
        events.close()
    names = sorted(p.name for p in log_dir.iterdir())
    assert names == [
        "splitledger.log",
        "splitledger.log.1",
        "splitledger.log.2",
        "splitledger.log.3",
    ]
    assert logs.log_files() == [log_dir / name for name in names]
    line = len(json.dumps({"event": "test", "n": 100, "pad": "x" * 60})) + 1
    for name in names[1:]:  # rotated before the first line after it reached the cap
        assert 4096 <= (log_dir / name).stat().st_size < 4096 + line
        assert stat.S_IMODE((log_dir / name).stat().st_mode) == 0o600
    assert (log_dir / "splitledger.log").stat().st_size < 4096 + line
    # The newest lines, in order and whole; the oldest went with the fourth rotation.
    kept = [json.loads(text)["n"] for text in _lines(log_dir)]
    assert kept == list(range(600 - len(kept), 600))
    assert len(kept) > 3 * 4096 // line


WRITER = textwrap.dedent(
    """
    import sys, threading, time
    from pathlib import Path
    from splitledger.services import logs

    logs.MAX_BYTES, logs.BACKUPS = 64 * 1024, 64
    go = Path(sys.argv[1])
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.005)

    def burst(worker):
        for n in range(int(sys.argv[2])):
            logs.event("test.burst", pid=sys.argv[3], worker=worker, n=n, text="é" * 200)
        logs.get_logger().error("test.error", extra={"fields": {"pid": sys.argv[3]}})

    threads = [threading.Thread(target=burst, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    """
)


def test_no_line_is_lost_or_torn_while_processes_and_threads_rotate(
    log_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three processes of four threads each and four threads here write ~1.7 MB through
    a 64 KiB cap (some 25 rotations, none discarded): every line is found once, whole.
    Writers holding a file another process rotated move to the new one; a line written
    while another writer renames it lands, whole, in the rotated file."""
    monkeypatch.setattr(logs, "MAX_BYTES", 64 * 1024)
    monkeypatch.setattr(logs, "BACKUPS", 64)
    go, per_thread = tmp_path / "go", 250
    env = {**os.environ, "SPLITLEDGER_LOG_DIR": str(log_dir)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(go), str(per_thread), f"p{i}"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(3)
    ]
    events = logs._EventFile()

    def burst(worker: int) -> None:
        for n in range(per_thread):
            events.write(
                logs._line(0, "info", "test.burst", {"pid": "here", "worker": worker, "n": n})
            )

    try:
        for proc in procs:
            assert proc.stdout is not None
            assert proc.stdout.readline() == "ready\n"
        go.touch()
        threads = [threading.Thread(target=burst, args=(w,)) for w in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for proc in procs:
            assert proc.wait(timeout=120) == 0
    finally:
        events.close()
        for proc in procs:
            proc.kill()
    rotated = [p for p in log_dir.iterdir() if p.name != "splitledger.log"]
    assert len(rotated) >= 10
    assert all(p.stat().st_size >= 64 * 1024 for p in rotated)  # none rotated before the cap
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in log_dir.iterdir())
    entries = [json.loads(line) for line in _lines(log_dir)]  # a torn line would not parse
    bursts = sorted((e["pid"], e["worker"], e["n"]) for e in entries if e["event"] == "test.burst")
    pids = ["here", "p0", "p1", "p2"]
    assert bursts == [(p, w, n) for p in pids for w in range(4) for n in range(per_thread)]
    from_processes = [e for e in entries if e["event"] == "test.burst" and e["pid"] != "here"]
    assert all(e["text"] == "é" * 200 for e in from_processes)
    errors = sorted(e["pid"] for e in entries if e["event"] == "test.error")
    assert errors == sorted(["p0", "p1", "p2"] * 4)  # the logger's records rotate alike
