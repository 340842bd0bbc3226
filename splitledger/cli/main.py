"""The `splitledger` command: no sub-command opens the app; sub-commands script it.

Textual is imported only when the app is launched, so scripted calls start fast.
"""

from __future__ import annotations

import click

from splitledger import __version__


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="splitledger")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Split shared bills on a double-entry ledger. Run without a command to open the app."""
    if ctx.invoked_subcommand is None:
        from splitledger.tui.app import SplitLedgerApp

        SplitLedgerApp().run()


def main() -> None:
    """Console-script entry point."""
    cli()
