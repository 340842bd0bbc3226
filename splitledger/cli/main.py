"""The `splitledger` command: no sub-command opens the app; sub-commands script it.

Textual is imported only when the app is launched, so scripted calls start fast.
Exit codes and error messages follow one contract (see `splitledger.cli.errors`).
"""

from __future__ import annotations

import click

from splitledger import __version__
from splitledger.cli.activity import activity_cmd
from splitledger.cli.currencies import convert_cmd, rate_cmd
from splitledger.cli.errors import LedgerGroup
from splitledger.cli.groups import group_cmd, member_cmd
from splitledger.cli.porting import export_cmd, import_cmd
from splitledger.cli.reports import balances_cmd, history_cmd, settle_cmd, verify_cmd
from splitledger.cli.transactions import expense_cmd, payment_cmd, tx_cmd


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


for command in (
    group_cmd,
    member_cmd,
    expense_cmd,
    payment_cmd,
    tx_cmd,
    balances_cmd,
    settle_cmd,
    history_cmd,
    activity_cmd,
    export_cmd,
    import_cmd,
    verify_cmd,
    rate_cmd,
    convert_cmd,
):
    cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    cli()
