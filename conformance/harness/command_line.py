"""What every command other than `pytest conformance` shares around its own work (matrix, differential,
docs): SIGTERM ends it as Ctrl-C would, a user's mistake is one `ERROR:` line and exit status 2, an
interruption exit status 130, and the run's instances are stopped once at its end."""
from __future__ import annotations

import sys
from typing import Callable

from conformance.harness.signals import stop_on_sigterm_as_on_ctrl_c
from conformance.reporting.index import FoldError
from conformance.reporting.report_files import ReportsDirError
from fixtures.errors import SetupError
from fixtures.target import end_run, watch_clients

USER_MISTAKES: tuple[type[Exception], ...] = (SetupError, ReportsDirError, FoldError)


def run_command(body: Callable[[], int], *, interrupted: str,
                mistakes: tuple[type[Exception], ...] = ()) -> int:
    """Runs `body` (which returns the exit status) as a command; `interrupted` is what is said on Ctrl-C
    or SIGTERM; `mistakes` are the command's own errors that a user can fix, besides USER_MISTAKES."""
    stop_on_sigterm_as_on_ctrl_c()
    watch_clients()
    try:
        return body()
    except USER_MISTAKES + mistakes as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"interrupted: {interrupted}", file=sys.stderr)
        return 130
    finally:
        end_run()
