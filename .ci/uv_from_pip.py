"""Print shell lines that give uv the package sources pip is configured with.

uv does not read pip's configuration (pip.conf, PIP_* variables). So that CI's uv step
resolves from the same indexes as its pip step, this reads `pip config list` at run time
and prints, for `eval` in bash:
  UV_PIP_ARGS=(--index-url … --extra-index-url … --find-links … --constraint …
               --index-strategy unsafe-best-match)
  export SSL_CERT_FILE=…   (pip's `cert`, when set and SSL_CERT_FILE is not)
No index or host name is written in the repository. `unsafe-best-match` is pip's own
rule: every index is searched and the best version wins (uv's default stops at the
first index that has the package, which would hide versions from a lowest resolution).
"""

from __future__ import annotations

import ast
import os
import shlex
import subprocess
import sys

# pip's precedence: environment variables, then [install], then [global].
RANK = {":env:": 3, "install": 2, "global": 1}


def pip_config() -> dict[str, str]:
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found: dict[str, tuple[int, str]] = {}
    for line in listed.splitlines():
        key, sep, raw = line.partition("=")
        section, _, name = key.rpartition(".")
        rank = RANK.get(section)
        if not sep or rank is None:
            continue
        value = ast.literal_eval(raw)
        if rank >= found.get(name, (0, ""))[0]:
            found[name] = (rank, str(value))
    return {name: value for name, (_, value) in found.items()}


def main() -> None:
    config = pip_config()
    args: list[str] = []
    if config.get("index-url"):
        args += ["--index-url", config["index-url"]]
    flags = {"extra-index-url": "--extra-index-url", "find-links": "--find-links"}
    flags["constraint"] = "--constraint"
    for name, flag in flags.items():
        for value in config.get(name, "").split():
            args += [flag, value]
    if "--extra-index-url" in args or "--find-links" in args:
        args += ["--index-strategy", "unsafe-best-match"]
    print(f"UV_PIP_ARGS=({' '.join(shlex.quote(arg) for arg in args)})")
    if config.get("cert") and not os.environ.get("SSL_CERT_FILE"):
        print(f"export SSL_CERT_FILE={shlex.quote(config['cert'])}")


if __name__ == "__main__":
    main()
