"""`-p tests.lost_stop`: during the run's first check, a SIGTERM whose KeyboardInterrupt is lost, as it is
when the signal is handled while a finalizer (__del__) runs: Python prints the exception and goes on."""
import os
import signal
import time


class _SignalsItselfWhenCollected:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.2)  # the handler runs here, inside __del__


_signalled = []


def pytest_runtest_call(item):
    if not _signalled:
        _signalled.append(item.nodeid)
        _SignalsItselfWhenCollected()  # collected at once
