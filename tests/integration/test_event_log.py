"""The structured event log: one whole JSON line per event, whoever writes it."""

from __future__ import annotations

import json
import threading
import uuid

from splitledger.services import logs


def test_events_from_many_threads_are_whole_lines() -> None:
    marker = uuid.uuid4().hex
    text = "é" * 300  # several KB a line, non-ASCII kept as is

    def burst(worker: int) -> None:
        for n in range(200):
            logs.event("test.burst", marker=marker, worker=worker, n=n, text=text)

    threads = [threading.Thread(target=burst, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = [
        json.loads(line)
        for path in logs.log_files()  # ~1.1 MB: the log may rotate on the way
        for line in path.read_text(encoding="utf-8").splitlines()
        if marker in line
    ]
    assert sorted((e["worker"], e["n"]) for e in lines) == [
        (w, n) for w in range(8) for n in range(200)
    ]
    assert all(e["event"] == "test.burst" and e["level"] == "info" for e in lines)
    assert all(e["text"] == text for e in lines)
