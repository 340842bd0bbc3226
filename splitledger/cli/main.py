"""The `splitledger` command: no sub-command opens the app; sub-commands script it.

Start-up is part of every command's time, so this module imports click and nothing
else of ours: each sub-command's module is imported only when that command runs (click's
lazy-loading pattern), `--help` lists the commands from `COMMANDS` without importing
them, the error contract (`splitledger.cli.errors`) is imported only when something
fails, and Textual only when the app is launched.
"""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

import click

from splitledger import __version__


class Entry(NamedTuple):
    """Where a sub-command lives ("module:attribute") and its one-line help as
    `--help` lists it: the real command's `get_short_help_str()` with no length limit
    (tests/unit/test_start_imports.py keeps the two equal)."""

    target: str
    help: str


COMMANDS: dict[str, Entry] = {
    "activity": Entry(
        "splitledger.cli.activity:activity_cmd",
        "What happened in GROUP, newest first: expenses recorded, edited (what changed), "
        "deleted, restored or undone, payments, members, rates and imports, with who did "
        "it and when.",
    ),
    "balances": Entry("splitledger.cli.reports:balances_cmd", "Each member's balance in GROUP."),
    "close": Entry(
        "splitledger.cli.periods:close_cmd",
        "Close GROUP's books through a date, or show its closes.",
    ),
    "convert": Entry(
        "splitledger.cli.currencies:convert_cmd",
        "Convert balances in other currencies into one currency, as ledger entries.",
    ),
    "expense": Entry("splitledger.cli.transactions:expense_cmd", "Record expenses."),
    "export": Entry(
        "splitledger.cli.porting:export_cmd", "Write GROUP's whole history in --format."
    ),
    "group": Entry("splitledger.cli.groups:group_cmd", "Create, list, rename and archive groups."),
    "history": Entry(
        "splitledger.cli.reports:history_cmd",
        "GROUP's transactions, newest first, --limit at a time.",
    ),
    "import": Entry(
        "splitledger.cli.porting:import_cmd", "Import FILE into GROUP (atomic and reconciled)."
    ),
    "member": Entry("splitledger.cli.groups:member_cmd", "Manage the members of a group."),
    "payment": Entry(
        "splitledger.cli.transactions:payment_cmd", "Record repayments between members."
    ),
    "rate": Entry(
        "splitledger.cli.currencies:rate_cmd",
        "Exchange rates of a group (1 BASE = RATE QUOTE from a date on).",
    ),
    "recurring": Entry(
        "splitledger.cli.recurring:recurring_cmd",
        "Bills that repeat: each date's bill is recorded once its day has come.",
    ),
    "report": Entry(
        "splitledger.cli.spending_report:report_cmd",
        "What GROUP spent, per bucket: the bills' totals, and what each member paid and "
        "consumed (their shares).",
    ),
    "settle": Entry(
        "splitledger.cli.reports:settle_cmd",
        "The fewest transfers that settle GROUP, per currency.",
    ),
    "tx": Entry("splitledger.cli.transactions:tx_cmd", "Inspect and undo transactions."),
    "verify": Entry(
        "splitledger.cli.reports:verify_cmd", "Check the whole ledger; exit 1 on any problem."
    ),
}


def load(name: str) -> click.Command:
    """The command `name` of `COMMANDS`, its module imported now."""
    module, _, attribute = COMMANDS[name].target.partition(":")
    command = getattr(importlib.import_module(module), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{COMMANDS[name].target} is not a click command")
    return command


def _is_text(arg: str) -> bool:
    """False for an argument holding bytes that were not UTF-8 (lone surrogates)."""
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class LedgerGroup(click.Group):
    """The root command group: it loads a command when it runs, and turns every failure
    into the exit-code contract of `splitledger.cli.errors` (one line on stderr, never
    a traceback)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load(cmd_name) if cmd_name in COMMANDS else None

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """As click's, with its "Did you mean" drawn from `COMMANDS` (click draws it from
        the commands registered eagerly, and here there are none)."""
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:
            raise click.exceptions.NoSuchCommand(
                exc.command_name, possibilities=COMMANDS, ctx=ctx
            ) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their one-line helps, shortened to the terminal's width as
        click shortens a command's own help, without importing any command."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, click.Command(name, help=entry.help).get_short_help_str(limit))
            for name, entry in sorted(COMMANDS.items())
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """Errors in the root's own options (`--db` without a value, an unknown option)
        follow the same contract as a command's."""
        if not all(_is_text(arg) for arg in args):
            from splitledger.cli import errors

            errors.refuse_undecodable(args)
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            from splitledger.cli import errors

            errors.fail(errors.usage_message(exc), errors.BAD_INPUT)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except (Exception, KeyboardInterrupt) as exc:
            from splitledger.cli import errors

            errors.exit_for(exc, ctx)


@click.group(
    cls=LedgerGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="splitledger")
@click.option(
    "--db",
    metavar="PATH|URL",
    help="The ledger: a SQLite file or a postgresql:// URL. "
    "Default: $SPLITLEDGER_DB, else the file in your user data directory.",
)
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """Split shared bills on a double-entry ledger. Run without a command to open the app."""
    if ctx.invoked_subcommand is None:
        from splitledger.tui.app import SplitLedgerApp

        SplitLedgerApp(target=db).run()


def main() -> None:
    """Console-script entry point."""
    cli()
