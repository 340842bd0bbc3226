"""Print a pip constraints file that pins every direct requirement in pyproject.toml
(dependencies and the extras) to the lower bound it declares: installing '.[test]'
under it proves each bound, since pip picks exactly that version or fails.

pip installs it from the package sources it is configured with; nothing here names one.
The standard library alone reads the requirements (CI runs this with the system Python,
before any venv exists): each is a name, maybe extras, and comma-separated specifiers.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;]*)")

ROOT = Path(__file__).resolve().parent.parent


def pins() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        listed += extra
    found: dict[str, str] = {}
    for text in listed:
        match = _REQUIREMENT.match(text)
        if match is None:
            raise SystemExit(f"{text!r}: not a requirement this script can read")
        name, specifiers = match.group(1), match.group(2)
        if name == project["name"]:
            continue  # the package's own extras, listed above already
        lows = [
            spec.strip()[2:].strip()
            for spec in specifiers.split(",")
            if spec.strip().startswith(">=")
        ]
        if len(lows) != 1:
            raise SystemExit(f"{text!r}: give one lower bound (>=) to prove")
        found[name] = lows[0]
    return [f"{name}=={version}" for name, version in sorted(found.items())]


if __name__ == "__main__":
    print("\n".join(pins()))
