"""Files written for the user (exports, settle-up plans): all or nothing, owner-only.

A file is written beside its final name and moved into place only when complete, so a
failure leaves no partial file and an existing one untouched. A new file is readable by
its owner only, like the ledger it comes from; a replaced file keeps its permissions.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from splitledger.services.errors import InvalidInput


@contextmanager
def private_file(target: str | Path, *, field: str = "output") -> Iterator[TextIO]:
    """A text stream whose content lands at `target` atomically when the block ends.

    `mkstemp` creates the temporary file 0600 whatever the umask; errors become
    `InvalidInput` naming `field`."""
    path = Path(target).expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise InvalidInput(f"{field}: cannot write {target}: {exc.strerror}", field=field) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            yield stream
        if path.exists():
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InvalidInput(f"{field}: cannot write {target}: {exc.strerror}", field=field) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
