"""Start-up cannot silently regress: each hot command, run as the real process, does not
import the heavy modules it has no use for (issue 14). And the lazy root group's copies
(the command registry with its one-line helps, the format names of `export`/`import`)
agree with the originals, so that `--help` can list the commands without importing them.
"""

from __future__ import annotations

import inspect
import pkgutil
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import splitledger.cli
from splitledger import __version__
from splitledger.cli.main import COMMANDS, cli, load
from splitledger.services.ledger import Ledger
from tests.databases import new_sqlite_ledger

ROOT = Path(__file__).parents[2]

#: Never on any hot path.
HEAVY = ("sqlalchemy", "alembic", "numpy", "textual", "psycopg", "iso4217", "babel")
#: Not on reads, `--version` or `--help`: pydantic validates input, and these take none.
NO_VALIDATION = (*HEAVY, "pydantic")
#: `--version` and `--help` open no ledger and run no service.
NO_LEDGER = (*NO_VALIDATION, "sqlite3", "splitledger.services", "splitledger.store")
#: All of ours that `--version` and `--help` may import.
START = {
    "splitledger",
    "splitledger.launch",
    "splitledger.cli",
    "splitledger.cli.main",
    "splitledger.__main__",
}


@pytest.fixture(scope="module")
def db(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A ledger with group G (ann, bob, cy) and one expense in it."""
    path = new_sqlite_ledger(sqlite_template, tmp_path_factory.mktemp("start"))
    with Ledger.open(path, actor="tester") as book:
        book.create_group("G", "EUR", ["ann", "bob", "cy"])
        book.record_expense(
            group="G",
            description="Dinner",
            amount="30.00",
            currency=None,
            paid_by=[("ann", None)],
            split="equal",
            participants=[],
            date=None,
            category="",
            key=None,
        )
    return path


#: `python -m splitledger ARGS` as runpy runs it, writing the names in `sys.modules` to
#: the file argv[1] when the process exits (the first exit handler registered runs last).
#: Not `-X importtime`: it does not report a module imported through
#: `importlib.import_module`, which is how the CLI and the domain load theirs lazily.
RUNNER = """
import atexit, runpy, sys

def record(path=sys.argv[1]):
    with open(path, "w", encoding="utf-8") as out:
        out.write("\\n".join(sorted(sys.modules)))

atexit.register(record)
sys.argv = ["splitledger", *sys.argv[2:]]
runpy.run_module("splitledger", run_name="__main__", alter_sys=True)
"""


def imported(tmp_path: Path, *args: str) -> tuple[set[str], str]:
    """The modules that the process `python -m splitledger ARGS` imports, and its
    stdout; the command must succeed."""
    names = tmp_path / "modules.txt"
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(names), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return set(names.read_text(encoding="utf-8").split()), done.stdout


def found(modules: set[str], roots: tuple[str, ...]) -> list[str]:
    """Which of `roots` (packages or modules) `modules` holds, or something inside."""
    return [r for r in roots if any(m == r or m.startswith(r + ".") for m in modules)]


@pytest.mark.parametrize("args", [["--version"], ["--help"]], ids=["--version", "--help"])
def test_version_and_help_import_click_and_the_main_module_alone(
    tmp_path: Path, args: list[str]
) -> None:
    modules, out = imported(tmp_path, *args)
    assert found(modules, NO_LEDGER) == []
    assert sorted(m for m in modules - START if found({m}, ("splitledger",))) == []
    assert __version__ in out if args == ["--version"] else "balances" in out


READS = {
    "balances": ["balances", "G", "--json"],
    "history": ["history", "G", "--json"],
    "settle": ["settle", "G", "--json"],
    "balances --as-of": ["balances", "G", "--as-of", "2026-01-31", "--json"],
    "settle --as-of": ["settle", "G", "--as-of", "2026-01-31", "--json"],
    "report": ["report", "G", "--by", "category,month", "--json"],
    "close (show)": ["close", "G", "--json"],
    "group list --all": ["group", "list", "--all", "--json"],
}
WRITES = {
    "expense add": ["expense", "add", "G", "Taxi", "12.00", "--paid-by", "bob"],
    "payment add": ["payment", "add", "G", "cy", "ann", "5.00"],
}


@pytest.mark.parametrize("args", READS.values(), ids=READS.keys())
def test_reads_import_no_validation_and_no_orm(tmp_path: Path, db: str, args: list[str]) -> None:
    modules, _ = imported(tmp_path, "--db", db, *args)
    assert found(modules, NO_VALIDATION) == []


@pytest.mark.parametrize("args", WRITES.values(), ids=WRITES.keys())
def test_writes_import_no_orm(tmp_path: Path, db: str, args: list[str]) -> None:
    modules, _ = imported(tmp_path, "--db", db, *args)
    assert found(modules, HEAVY) == []


#: Service families that neither the hot reads nor the hot writes call.
OTHER_FAMILIES = tuple(
    f"splitledger.services.{name}"
    for name in (
        "ledger",
        "activity",
        "bill_edits",
        "bills",
        "currencies",
        "groups",
        "imports",
        "periods",
        "recurring",
        "recurring_reads",
        "recurring_schedules",
        "reports",
        "settle_in",
    )
)
HOT = {
    "balances": (READS["balances"], "splitledger.services.reading"),
    "history": (READS["history"], "splitledger.services.reading"),
    "settle": (READS["settle"], "splitledger.services.settling"),
    "expense add": (WRITES["expense add"], "splitledger.services.entries"),
    "payment add": (WRITES["payment add"], "splitledger.services.entries"),
}


@pytest.mark.parametrize(("args", "family"), HOT.values(), ids=HOT.keys())
def test_hot_commands_import_only_the_families_they_call(
    tmp_path: Path, db: str, args: list[str], family: str
) -> None:
    """ADR 0015: a hot command holds a narrow façade (`ReadLedger`, `EntryLedger`), so
    the recurring, report, import and other families are not imported for it."""
    modules, _ = imported(tmp_path, "--db", db, *args)
    assert family in modules
    assert found(modules, OTHER_FAMILIES) == []
    if family == "splitledger.services.entries":
        assert found(modules, ("splitledger.services.reading",)) == []


def _root_commands() -> dict[str, click.Command]:
    """Every command defined in `splitledger.cli` that is not part of another group."""
    found: list[click.Command] = []
    for info in pkgutil.iter_modules(splitledger.cli.__path__, "splitledger.cli."):
        module = import_module(info.name)
        found += [v for _, v in inspect.getmembers(module) if isinstance(v, click.Command)]
    nested = {
        id(sub) for cmd in found if isinstance(cmd, click.Group) for sub in cmd.commands.values()
    }
    return {str(cmd.name): cmd for cmd in found if id(cmd) not in nested and cmd is not cli}


def test_the_registry_holds_every_command_and_its_help() -> None:
    commands = _root_commands()
    assert sorted(COMMANDS) == sorted(commands)
    for name, entry in COMMANDS.items():
        assert load(name) is commands[name]
        assert entry.help == commands[name].get_short_help_str(limit=10**6)


@pytest.mark.parametrize("width", [20, 40, 50, 64, 72, 80, 120])
def test_help_lists_the_commands_as_click_would(width: int) -> None:
    """The lazy `--help` prints the Commands section that click prints for the same
    commands registered eagerly, shortened alike on every terminal width."""
    eager = click.Group("splitledger", commands=_root_commands())
    shown = []
    for group in (eager, cli):
        ctx = click.Context(group, terminal_width=width)
        formatter = ctx.make_formatter()
        group.format_commands(ctx, formatter)
        shown.append(formatter.getvalue())
    assert shown[0] == shown[1]
    assert "balances" in shown[1]


def test_a_mistyped_command_gets_a_suggestion_from_the_registry() -> None:
    result = CliRunner().invoke(cli, ["balance", "G"])
    assert result.exit_code == 2
    assert "No such command 'balance'. Did you mean 'balances'?" in result.stderr


def test_the_format_names_are_interchanges() -> None:
    from splitledger.cli import porting
    from splitledger.services import interchange

    assert porting.EXPORT_FORMATS == interchange.EXPORT_FORMATS
    assert porting.IMPORT_FORMATS == interchange.IMPORT_FORMATS
