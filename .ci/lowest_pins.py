"""Print a pip constraints file that pins every direct requirement in pyproject.toml
(dependencies and the extras) to the lower bound it declares: installing '.[test]'
under it proves each bound, since pip picks exactly that version or fails.

pip installs it from the package sources it is configured with; nothing here names one.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def pins() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        listed += extra
    found: dict[str, str] = {}
    for text in listed:
        req = Requirement(text)
        if req.name == project["name"]:
            continue  # the package's own extras, listed above already
        lows = [spec.version for spec in req.specifier if spec.operator == ">="]
        if len(lows) != 1:
            raise SystemExit(f"{text!r}: give one lower bound (>=) to prove")
        found[req.name] = lows[0]
    return [f"{name}=={version}" for name, version in sorted(found.items())]


if __name__ == "__main__":
    print("\n".join(pins()))
