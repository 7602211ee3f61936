"""How the process stops on a signal: SIGTERM (a CI job cancelled) ends it as Ctrl-C would, and the
signal that asked is remembered for code whose KeyboardInterrupt can be lost."""
from __future__ import annotations

import signal


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
