"""behaviour: get-speed-idle-zero

DESCRIPTION: with no folder listed by get_folders (nothing to transfer), call get_speed five times, half a
second apart.
EXPECTATION: every answer is {"download": 0, "upload": 0}: an idle instance moves no bytes. A nonzero
figure while nothing is shared contradicts it; a folder already listed (something may transfer) makes it
inconclusive.
"""
import time

import pytest

from conformance.verdicts.outcome import inconclusive
from fixtures.cpu_token import cpu_token

pytestmark = pytest.mark.behaviour("get-speed-idle-zero")

SAMPLES, APART_S = 5, 0.5


def test_an_idle_instance_reports_no_transfer(sync, evidence):
    listed = sync.call("get_folders").json
    if not isinstance(listed, list):
        inconclusive(f"get_folders did not answer a list, so whether anything is shared is unknown: {listed!r}")
    if listed:
        inconclusive(f"{len(listed)} folders are listed: the instance is not idle")
    speeds = []
    with cpu_token().released():  # a wait: no place of the machine's CPU needed
        for _ in range(SAMPLES):
            speeds.append(sync.call("get_speed").json)
            time.sleep(APART_S)
    evidence.note("get_speed answers", speeds)
    busy = [speed for speed in speeds if speed != {"download": 0, "upload": 0}]
    assert not busy, (f"with no folder, get_speed answered {busy[0]!r} "
                      f"({len(busy)} of {SAMPLES} answers not {{'download': 0, 'upload': 0}})")
    evidence.because(f"with no folder, all {SAMPLES} get_speed answers were {{'download': 0, 'upload': 0}}")
