"""Issue 14's goal rows, each a whole process against its baseline in the same run.

What a person feels is the whole process: every `splitledger …` in a shell script, every
start of the app. So each row spawns the real command and reads the child's CPU time
(user + system, from `os.wait4`) and its wall time, and compares it with a baseline
process spawned in the same rounds:

- `--version`, `--help`: CPU against `python -c "import click"` (goal ≤ 2×);
- `balances|history|settle G --json`, on a small ledger (3 members, 20 expenses) and on
  the 100,000-expense group: CPU against bench/floor_read.py, which reads the same rows
  through sqlite3 and prints them as JSON (goal ≤ 2×);
- `expense add`, `payment add` on the small ledger: CPU against bench/floor_insert.py,
  which writes the same rows through sqlite3 in one transaction at the same durability
  (goal ≤ 3×); each sample records a new entry (fresh key) on its own copy of the ledger;
- `balances --json` on the 100,000-expense group: wall against `ledger bal` and
  `hledger bal` on our own export (goals ≥ 10× and ≥ 50× faster);
- the app, in a real pseudo-terminal (bench/app_start.py): spawn until the balances are
  on screen, and until the welcome screen on an empty ledger, against a bare Textual app
  that shows one Static (wall; goal ≤ 1.3×).

Every figure is a median of `--runs` samples after one warm-up round; the commands run
round-robin, each round starting one further along, so that a noisy machine slows them
all alike. `--before DIR` also runs every splitledger row from an older source tree
(`PYTHONPATH=DIR`, the same venv), interleaved, and prints before/after columns.
The children run with bytecode writes on (as a user's install does), their own
XDG_DATA_HOME and log directory, and an explicit `--db`: a user's data is never touched.
The generated ledgers are cached (by their parameters and the schema's migrations) in
$SPLITLEDGER_BENCH_CACHE, default <tmp>/splitledger-bench.

    .venv/bin/python -m bench.start                   # 9 rounds, ~6 min on 2 cores
    .venv/bin/python -m bench.start --runs 5 --before /tmp/before
    .venv/bin/python -m bench.start --quick           # smoke (~15 s): figures mean little
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
PY = sys.executable
#: pip's console-script template: what `splitledger` runs, for a tree's entry point.
LAUNCHER = """#!{python}
# -*- coding: utf-8 -*-
import re
import sys
from {module} import {function}
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit({function}())
"""
RUNS = 9
QUICK = "one round, no warm-up, a 500-expense group (CI's smoke run: the code runs)"
BIG = 100_000
SMALL = "Small"
BIG_GROUP = "Big"
SMALL_MEMBERS = ("alice", "bob", "carol")


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float


def spawn(argv: list[str], env: dict[str, str], errors: Path) -> Sample:
    """One whole process: wall time from spawn to reaping, and its CPU (user + system).
    It runs in `errors`' directory: a `python -c` child puts its directory first on
    sys.path, and a source tree there would shadow PYTHONPATH's."""
    with errors.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=errors.parent
        )
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        tail = errors.read_text(errors="replace")[-800:]
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {tail}")
    return Sample(wall, usage.ru_utime + usage.ru_stime)


@dataclass
class Case:
    """A process measured in every round; `sample(n)` runs its n-th sample."""

    name: str
    sample: Callable[[int], Sample]
    got: list[Sample] = field(default_factory=list)

    def median(self, metric: str) -> float:
        return float(statistics.median(getattr(s, metric) for s in self.got))


@dataclass(frozen=True)
class Goal:
    """A row: `ours` against `base` on `metric`; `faster`: the goal is base/ours ≥ limit
    (else ours/base ≤ limit)."""

    label: str
    ours: str
    base: str
    metric: str  # "cpu" or "wall"
    limit: float
    faster: bool = False

    def ratio(self, cases: dict[str, Case], suffix: str = "") -> float:
        ours, base = (
            cases[self.ours + suffix].median(self.metric),
            cases[self.base].median(self.metric),
        )
        return base / ours if self.faster else ours / base

    def met(self, ratio: float) -> bool:
        return ratio >= self.limit if self.faster else ratio <= self.limit

    @property
    def goal(self) -> str:
        return f"≥ {self.limit:g}× faster" if self.faster else f"≤ {self.limit:g}×"


def cache_dir() -> Path:
    path = Path(
        os.environ.get("SPLITLEDGER_BENCH_CACHE")
        or Path(tempfile.gettempdir()) / "splitledger-bench"
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


def _cache_key(*parts: object) -> str:
    """Parameters, the generator and the schema's migrations: a cached ledger built by
    other code or for another schema is never reused."""
    digest = hashlib.sha256(repr(parts).encode())
    digest.update((BENCH / "datagen.py").read_bytes())
    migrations = ROOT / "splitledger" / "store" / "migrations" / "versions"
    for path in sorted(migrations.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def child_env(tmp: Path) -> dict[str, str]:
    """The children's environment: no SPLITLEDGER_DB (every command gets `--db`), a
    private data, state and log directory, and bytecode written as an install does
    (PYTHONDONTWRITEBYTECODE would make an older tree compile itself on every run)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SPLITLEDGER_DB", "PYTHONDONTWRITEBYTECODE", "PYTHONPATH"}
    }
    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        env[name] = str(tmp / name.lower())
    env["SPLITLEDGER_LOG_DIR"] = str(tmp / "logs")
    return env


def small_ledger(env: dict[str, str]) -> Path:
    """3 members and 20 expenses, recorded through the services (cached)."""
    path = cache_dir() / f"small-{_cache_key('small', 20)}.db"
    if path.exists():
        return path
    script = (
        "import datetime as dt, sys\n"
        "from splitledger.services.ledger import Ledger\n"
        f"members = {SMALL_MEMBERS!r}\n"
        "with Ledger.open(sys.argv[1]) as ledger:\n"
        f"    ledger.create_group({SMALL!r}, 'EUR', members)\n"
        "    for i in range(20):\n"
        "        ledger.record_expense(\n"
        f"            {SMALL!r}, description=f'Expense {{i}}',\n"
        "            amount=f'{10 + 7 * i}.{i:02d}', paid_by=[(members[i % 3], None)],\n"
        "            date=dt.date(2026, 1, 1 + i), category='food',\n"
        "        )\n"
    )
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    subprocess.run([PY, "-c", script, str(partial)], env=env, check=True, cwd=cache_dir())
    partial.replace(path)
    return path


def big_ledger(count: int, exe: str, env: dict[str, str]) -> tuple[Path, Path]:
    """The datagen group of `count` expenses, imported through the CLI from its
    Splitwise CSV, and its hledger export (cached: the import takes minutes)."""
    from bench import datagen  # imports splitledger: only when the ledger is built

    key = _cache_key("big", count)
    db, journal = cache_dir() / f"big-{key}.db", cache_dir() / f"big-{key}.journal"
    if db.exists() and journal.exists():
        return db, journal
    with tempfile.TemporaryDirectory() as tmp:
        csv, partial = Path(tmp) / "group.csv", Path(tmp) / "big.db"
        datagen.write_splitwise_csv(csv, count)
        cli = [exe, "--db", str(partial)]
        subprocess.run(
            [*cli, "import", BIG_GROUP, str(csv), "--format", "splitwise"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [*cli, "export", BIG_GROUP, "--format", "hledger", "--output", str(journal)],
            env=env,
            check=True,
            stderr=subprocess.DEVNULL,
        )
        shutil.copyfile(partial, db)  # WAL checkpointed at close: the file is whole
    return db, journal


def launcher(tree: Path, where: Path) -> str:
    """A `splitledger` console script for `tree`'s own entry point (its pyproject's
    [project.scripts]), written as pip writes one: the venv's names the installed
    tree's entry point, which an older tree may not have."""
    import tomllib

    project = tomllib.loads((tree / "pyproject.toml").read_text(encoding="utf-8"))
    module, function = project["project"]["scripts"]["splitledger"].split(":")
    where.mkdir(parents=True, exist_ok=True)
    path = where / "splitledger"
    path.write_text(LAUNCHER.format(python=PY, module=module, function=function))
    path.chmod(0o755)
    return str(path)


def _check_tree(env: dict[str, str], tree: Path) -> None:
    """The splitledger a child imports is the one in `tree`."""
    got = subprocess.run(
        [PY, "-c", "import splitledger; print(splitledger.__file__)"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
    ).stdout.strip()
    if not Path(got).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"{tree} is not the tree imported: {got}")


@dataclass
class Bench:
    """Builds the cases and the goal rows."""

    tmp: Path
    runs: int
    big: int | None  # None: no big-group rows
    app: bool
    before: Path | None
    warmup: bool = True
    before_label: str | None = None  # what `before` holds, e.g. a commit
    cases: dict[str, Case] = field(default_factory=dict)
    goals: list[Goal] = field(default_factory=list)
    counter: int = 0
    exes: dict[str, str] = field(default_factory=dict)  # each tree's `splitledger`

    def add(self, name: str, sample: Callable[[int], Sample]) -> None:
        self.cases[name] = Case(name, sample)

    def process(
        self, name: str, argv: list[str] | Callable[[int], list[str]], env: dict[str, str]
    ) -> None:
        """A case that spawns `argv` (or `argv(n)` for the n-th sample)."""
        errors = self.tmp / f"{name}.err"
        make = argv if callable(argv) else lambda _n: argv
        self.add(name, lambda n: spawn(make(n), env, errors))

    def key(self) -> str:
        self.counter += 1
        return f"bench-{self.counter}-{secrets.token_hex(4)}"

    def build(self) -> None:
        env = child_env(self.tmp)
        trees = {"": {**env, "PYTHONPATH": str(ROOT)}}
        exes = {"": launcher(ROOT, self.tmp / "bin-after")}
        _check_tree(trees[""], ROOT)
        if self.before is not None:
            trees[" before"] = {**env, "PYTHONPATH": str(self.before.resolve())}
            exes[" before"] = launcher(self.before, self.tmp / "bin-before")
            _check_tree(trees[" before"], self.before)
        self.exes = exes
        small = self.tmp / "small.db"
        shutil.copyfile(small_ledger(trees[""]), small)
        floor_read = [PY, str(BENCH / "floor_read.py"), "--db"]
        floor_insert = [PY, str(BENCH / "floor_insert.py"), "--db"]

        self.process("python -c pass", [PY, "-c", "pass"], env)
        self.process("import click", [PY, "-c", "import click"], env)
        self.process("pydantic alone", [PY, "-c", PYDANTIC_ALONE], trees[""])
        ledgers = [("small", small)]
        if self.big is not None:
            big_db, journal = big_ledger(self.big, exes[""], trees[""])
            big = self.tmp / "big.db"
            shutil.copyfile(big_db, big)
            ledgers.append((f"{self.big:,}-expense", big))
        for size, db in ledgers:
            group = SMALL if size == "small" else BIG_GROUP
            for what in ("balances", "history", "settle"):
                self.process(
                    f"floor {what} {size}",
                    [*floor_read, str(db), what, group],
                    env,
                )
        self.process(
            "floor expense add",
            self._writer(small, "floor", floor_insert, expense=True, floor=True),
            env,
        )
        self.process(
            "floor payment add",
            self._writer(small, "floor", floor_insert, expense=False, floor=True),
            env,
        )

        for suffix, tree_env in trees.items():
            tag = suffix.strip() or "after"
            exe = exes[suffix]
            self.process("--version" + suffix, [exe, "--version"], tree_env)
            self.process("--help" + suffix, [exe, "--help"], tree_env)
            for size, db in ledgers:
                group = SMALL if size == "small" else BIG_GROUP
                for what in ("balances", "history", "settle"):
                    self.process(
                        f"{what} {size}{suffix}",
                        [exe, "--db", str(db), what, group, "--json"],
                        tree_env,
                    )
            self.process(
                "expense add" + suffix,
                self._writer(small, tag, [exe, "--db"], expense=True),
                tree_env,
            )
            self.process(
                "payment add" + suffix,
                self._writer(small, tag, [exe, "--db"], expense=False),
                tree_env,
            )

        for what in ("--version", "--help"):
            self.goals.append(Goal(f"`splitledger {what}` (CPU)", what, "import click", "cpu", 2))
        for size, _db in ledgers:
            for what in ("balances", "history", "settle"):
                self.goals.append(
                    Goal(
                        f"`{what} G --json`, {size} group (CPU)",
                        f"{what} {size}",
                        f"floor {what} {size}",
                        "cpu",
                        2,
                    )
                )
        for what in ("expense add", "payment add"):
            self.goals.append(Goal(f"`{what}`, small group (CPU)", what, f"floor {what}", "cpu", 3))
        if self.big is not None:
            for tool, limit in (("ledger", 10), ("hledger", 50)):
                path = shutil.which(tool)
                if path is None:
                    print(f"{tool} is not installed: its row is left out", file=sys.stderr)
                    continue
                self.process(f"{tool} bal", [path, "-f", str(journal), "bal"], env)
                self.goals.append(
                    Goal(
                        f"`balances G --json`, {self.big:,}-expense group, vs `{tool} bal` "
                        "on our export (wall)",
                        f"balances {self.big:,}-expense",
                        f"{tool} bal",
                        "wall",
                        limit,
                        faster=True,
                    )
                )
        if self.app:
            self._app(trees, ledgers)

    def _writer(
        self, small: Path, tag: str, argv: list[str], *, expense: bool, floor: bool = False
    ) -> Callable[[int], list[str]]:
        """Each sample records a new entry (a fresh key) on this writer's own copy."""
        db = self.tmp / f"write-{tag}-{'expense' if expense else 'payment'}.db"
        shutil.copyfile(small, db)

        verb = "expense" if expense else "payment"
        verbs = [verb] if floor else [verb, "add"]  # the floor has no `add`

        def command(n: int) -> list[str]:
            if expense:
                what = [SMALL, f"Bench {n}", f"{12 + n}.34", "--paid-by", "alice"]
            else:
                what = [SMALL, "bob", "alice", f"{1 + n}.00"]
            return [*argv, str(db), *verbs, *what, "--key", self.key()]

        return command

    def _app(self, trees: dict[str, dict[str, str]], ledgers: list[tuple[str, Path]]) -> None:
        from bench import app_start  # imports splitledger's services and Textual

        pty_env = {
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "COLUMNS": str(app_start.SIZE[0]),
            "LINES": str(app_start.SIZE[1]),
        }
        empty = self.tmp / "empty.db"
        subprocess.run(
            [self.exes[""], "--db", str(empty), "group", "list"],
            env=trees[""],
            check=True,
            capture_output=True,
        )  # the schema is there: no first-run migration timed
        bare = self.tmp / "bare.py"
        bare.write_text(app_start.BARE_APP, encoding="utf-8")
        base_env = {**child_env(self.tmp), **pty_env}

        def pty(argv: list[str], text: str, env: dict[str, str]) -> Callable[[int], Sample]:
            def sample(_n: int) -> Sample:
                wall, cpu = app_start.time_to_text(argv, text, env)
                return Sample(wall, cpu)

            return sample

        self.add("bare app", pty([PY, str(bare)], app_start.BARE_TEXT, base_env))
        for suffix, tree_env in trees.items():
            env = {**tree_env, **pty_env}
            for size, db in ledgers:
                marker = app_start.balances_text(str(db))
                exe = self.exes[suffix]
                self.add(f"app {size}{suffix}", pty([exe, "--db", str(db)], marker, env))
            self.add(
                "app welcome" + suffix,
                pty([self.exes[suffix], "--db", str(empty)], app_start.WELCOME_TEXT, env),
            )
        for size, _db in ledgers:
            self.goals.append(
                Goal(
                    f"app: spawn → balances on screen, {size} group (wall; pty)",
                    f"app {size}",
                    "bare app",
                    "wall",
                    1.3,
                )
            )
        self.goals.append(
            Goal(
                "app: spawn → welcome screen, empty ledger (wall; pty)",
                "app welcome",
                "bare app",
                "wall",
                1.3,
            )
        )

    def run(self, progress: bool = True) -> None:
        cases = list(self.cases.values())
        for n in range(0 if self.warmup else 1, self.runs + 1):  # 0 warms up (bytecode, cache)
            started = time.perf_counter()
            for case in cases[n % len(cases) :] + cases[: n % len(cases)]:
                got = case.sample(n)
                if n:
                    case.got.append(got)
            if progress:
                print(
                    f"  round {n}/{self.runs}{' (warm-up)' if not n else ''}: "
                    f"{time.perf_counter() - started:.1f} s",
                    file=sys.stderr,
                    flush=True,
                )


#: What validating a write costs by itself: pydantic imported and one `RecordExpense`
#: validated, as `expense add` does, with no click and no database (a diagnostic row:
#: the writes' goal cannot be met while this alone is near it).
PYDANTIC_ALONE = """
from splitledger.services import inputs
inputs.validate(
    inputs.RecordExpense, group="G", description="Bench", amount="12.34",
    paid_by=(("alice", None),), split="equal", participants=(), key="k",
)
"""


def _base_label(case: str) -> str:
    """How a baseline is named in the table."""
    if case.startswith("floor "):
        return "floor_insert.py" if case.endswith(" add") else "floor_read.py"
    return {
        "import click": '`python -c "import click"`',
        "bare app": "bare Textual app",
    }.get(case, f"`{case.replace(' ', ' -f export.journal ')}`")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def table(bench: Bench) -> tuple[str, int]:
    """The goal rows as a Markdown table, and how many missed."""
    cases, before = bench.cases, bench.before is not None
    head = ["goal row", "splitledger", "baseline (same run)", "ratio", "goal", "ok"]
    if before:
        head[2:2] = ["before"]
        head[5:5] = ["ratio before"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    missed = 0
    for goal in bench.goals:
        ours = cases[goal.ours]
        ratio = goal.ratio(cases)
        ok = goal.met(ratio)
        missed += not ok
        shown = _ms(ours.median(goal.metric))
        base = f"{_ms(cases[goal.base].median(goal.metric))} ({_base_label(goal.base)})"
        fmt = "{:.1f}× faster" if goal.faster else "{:.2f}×"
        extra = ""
        if goal.metric == "wall":  # CPU beside: steadier on a shared machine
            shown += f" (CPU {_ms(ours.median('cpu'))})"
            base = (
                f"{_ms(cases[goal.base].median('wall'))} "
                f"(CPU {_ms(cases[goal.base].median('cpu'))}; {_base_label(goal.base)})"
            )
            cpu = Goal(goal.label, goal.ours, goal.base, "cpu", goal.limit, goal.faster)
            extra = f" (CPU {fmt.format(cpu.ratio(cases))})"
        row = [
            goal.label,
            shown,
            base,
            fmt.format(ratio) + extra,
            goal.goal,
            "ok" if ok else "MISS",
        ]
        if before:
            twin = cases[goal.ours + " before"]
            row[2:2] = [_ms(twin.median(goal.metric))]
            row[5:5] = [fmt.format(goal.ratio(cases, " before"))]
        lines.append("| " + " | ".join(row) + " |")
    floor = cases["python -c pass"]
    lines.append("")
    lines.append(
        f"`python -c pass` in the same rounds: {_ms(floor.median('cpu'))} CPU, "
        f"{_ms(floor.median('wall'))} wall. Medians of {bench.runs} rounds."
    )
    alone = cases.get("pydantic alone")
    if alone is not None and "floor expense add" in cases:
        write_floor = cases["floor expense add"].median("cpu")
        lines.append(
            f"pydantic alone (imported, one `RecordExpense` validated; no click, no "
            f"database): {_ms(alone.median('cpu'))} CPU, "
            f"{alone.median('cpu') / write_floor:.2f}× the write floor."
        )
    if not bench.warmup:
        lines.append("A smoke run (no warm-up round): the figures show the code runs, no more.")
    if before:
        lines.append(
            f"`before`: {bench.before_label or bench.before}, in the same rounds "
            "(the same venv, `PYTHONPATH` naming its tree)."
        )
    return "\n".join(lines), missed


@contextmanager
def _private(tmp: Path) -> Iterator[None]:
    """This process's own reads of the ledgers (the app's marker text) log and look up
    data under `tmp` too, never the user's directories."""
    saved = dict(os.environ)
    os.environ.update(
        {k: v for k, v in child_env(tmp).items() if k.startswith(("XDG_", "SPLITLEDGER_"))}
    )
    os.environ.pop("SPLITLEDGER_DB", None)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def measure(
    runs: int = RUNS,
    *,
    big: int | None = BIG,
    app: bool = True,
    before: Path | None = None,
    warmup: bool = True,
    before_label: str | None = None,
    progress: bool = True,
) -> tuple[str, int]:
    """Run every case `runs` times, interleaved; the table and the count of misses."""
    with tempfile.TemporaryDirectory(prefix="splitledger-start-") as tmp, _private(Path(tmp)):
        bench = Bench(Path(tmp), runs, big, app, before, warmup, before_label)
        bench.build()
        if progress:
            print(
                f"… {len(bench.cases)} processes a round, {runs} rounds"
                + (" + 1 warm-up" if warmup else ""),
                file=sys.stderr,
                flush=True,
            )
        bench.run(progress)
        return table(bench)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help=f"rounds (default {RUNS})")
    parser.add_argument("--before", type=Path, help="an older source tree, run interleaved")
    parser.add_argument("--before-label", help="what --before holds (e.g. its commit)")
    parser.add_argument("--big", type=int, default=BIG, help="expenses of the big group")
    parser.add_argument("--no-big", action="store_true", help="leave out the big group")
    parser.add_argument("--no-app", action="store_true", help="leave out the app rows")
    parser.add_argument("--quick", action="store_true", help=f"smoke: {QUICK}")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.big = 1, 500
    started = time.perf_counter()
    text, missed = measure(
        args.runs,
        big=None if args.no_big else args.big,
        app=not args.no_app,
        before=args.before,
        warmup=not args.quick,
        before_label=args.before_label,
    )
    print(text)
    print(
        f"\n{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {missed} missed, "
        f"{time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
