"""One place maps every failure to the CLI's exit-code contract:

0 success; 1 `verify` found problems, the database is unavailable, or an unexpected
failure (its traceback goes to the log file, whose path is printed); 2 bad input of
any kind, with one plain line on stderr and nothing written; 3 an idempotency key
reused with a different payload.
"""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

import click

from splitledger.services import logs
from splitledger.services.errors import (
    Conflict,
    IdempotencyConflict,
    InvalidInput,
    Unavailable,
)

OK, FAILED, BAD_INPUT, IDEMPOTENCY_CONFLICT = 0, 1, 2, 3
INTERRUPTED = 130


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    raise click.exceptions.Exit(code)


class LedgerGroup(click.Group):
    """The root command group: it runs a command and turns its errors into one line on
    stderr and the contract's exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            fail(exc.format_message() + hint, BAD_INPUT)
        except click.ClickException as exc:
            fail(exc.format_message(), BAD_INPUT)
        except IdempotencyConflict as exc:
            fail(str(exc), IDEMPOTENCY_CONFLICT)
        except (InvalidInput, Conflict) as exc:
            fail(str(exc), BAD_INPUT)
        except Unavailable as exc:
            fail(str(exc), FAILED)
        except KeyboardInterrupt:
            fail("interrupted", INTERRUPTED)
        except BrokenPipeError:
            # The reader went away (`| head`): stop quietly, and keep Python from
            # complaining while it flushes stdout at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise click.exceptions.Exit(FAILED) from None
        except Exception as exc:
            logs.get_logger().error(
                "cli.unexpected",
                exc_info=True,
                extra={"fields": {"command": ctx.invoked_subcommand, "args": sys.argv[1:]}},
            )
            fail(
                f"unexpected {type(exc).__name__}: {exc}. The details are in {logs.log_file()}",
                FAILED,
            )
