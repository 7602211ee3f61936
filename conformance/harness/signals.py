"""How the process stops on a signal: SIGTERM (a CI job cancelled) ends it as Ctrl-C would, and the
signal that asked is remembered for code whose KeyboardInterrupt can be lost."""
from __future__ import annotations

import os
import signal
import subprocess

from fixtures.build import PROJECT_ROOT

STOP_GRACE_S = 60.0  # a run stops its builds and removes its temp dirs on SIGINT; then it is killed


def stop_on_sigterm_as_on_ctrl_c() -> None:
    """A CI job being cancelled sends SIGTERM: end as Ctrl-C would, so that clean-up still stops every
    build and removes its temp dirs. Either signal is also remembered (stop_requested)."""
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not where SIGINT is ignored
        signal.signal(signal.SIGINT, _raise_keyboard_interrupt)


_STOP_SIGNALS: list[int] = []


def _raise_keyboard_interrupt(signum, frame) -> None:
    _STOP_SIGNALS.append(signum)
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def stop_requested() -> int | None:
    """The signal that asked this process to stop, if one did. Its KeyboardInterrupt can be lost: one
    raised while a finalizer (__del__) runs is printed and ignored, and the process goes on."""
    return _STOP_SIGNALS[0] if _STOP_SIGNALS else None


def interruptible() -> None:
    """preexec_fn of a child run this process may stop with SIGINT: a child inherits an ignored or blocked
    SIGINT (a command started in the background, or from a worker that ignores it), and Python then never
    turns SIGINT into KeyboardInterrupt, so the run would not stop its builds."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def wait_for_child_run(process: subprocess.Popen) -> int:
    """Its exit status; on Ctrl-C or SIGTERM here, the child run (started in a session of its own, with
    preexec_fn=interruptible) is interrupted as Ctrl-C would, so it stops its builds and removes its temp
    dirs, and killed if it has not ended after STOP_GRACE_S; then the interruption goes on."""
    try:
        return process.wait()
    except KeyboardInterrupt:
        signal_group(process, signal.SIGINT)
        try:
            process.wait(STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            signal_group(process, signal.SIGKILL)
            process.wait()
        raise


def run_child_run(command: list[str], environment: dict[str, str] | None = None) -> int:
    """A child run (`python -m pytest ...` from the project's root, its output left out) to its end, as
    wait_for_child_run waits: its exit status. `environment` is added to this process's own."""
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env={**os.environ, **(environment or {})},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                               preexec_fn=interruptible)
    return wait_for_child_run(process)
