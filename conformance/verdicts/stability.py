"""Whether a behaviour (or one check) said the same run after run: the rule of `python -m conformance.verify`.

Each run contributes one observation: the verdict and what the reasons said, measured figures and paths
folded (verdicts/expectations.reason_shape), so two runs that differ only in how long something took
agree. Over the runs of one mode a behaviour is

- STABLE: decided every time, with the same verdict and the same observation;
- FLAKY: decided every time or not, but not with the same verdict (how often each, and the runs that
  differed from the most common verdict, with their reasons);
- VARIES: the same verdict every time, but not the same observation (a departure that changes shape);
- SOMETIMES_UNDECIDED: the same decided verdict whenever decided, inconclusive in some runs;
- NEVER_DECIDED: inconclusive (or not run) every time; unknown is no stability either.

Only STABLE is stable; across the two modes, `mode_effect` says whether a flake, or the verdict itself,
follows the mode.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from conformance.verdicts.expectations import reason_shape
from conformance.verdicts.outcome import INCONCLUSIVE

STABLE, FLAKY, VARIES = "stable", "flaky", "observations vary"
SOMETIMES_UNDECIDED, NEVER_DECIDED = "sometimes undecided", "never decided"
CLASSES = (STABLE, FLAKY, VARIES, SOMETIMES_UNDECIDED, NEVER_DECIDED)
NOT_RUN = "not run"  # the verdict of a run whose report holds no result for it


@dataclass(frozen=True)
class Observation:
    run: int  # 1-based, in the order of the mode's runs
    verdict: str
    reasons: tuple[str, ...]  # as reported

    @property
    def shape(self) -> tuple[str, ...]:
        return tuple(sorted({reason_shape(reason) for reason in self.reasons}))

    @property
    def decided(self) -> bool:
        return self.verdict not in (INCONCLUSIVE, NOT_RUN)


def classify(observations: list[Observation]) -> dict:
    """{"class", "counts" (verdict -> runs), "differing" (the runs unlike the most common observation:
    run, verdict, reasons)} for one behaviour or check over one mode's runs."""
    counts = Counter(observation.verdict for observation in observations)
    decided = [observation for observation in observations if observation.decided]
    verdicts = {observation.verdict for observation in decided}
    shapes = Counter((observation.verdict, observation.shape) for observation in observations)
    usual = shapes.most_common(1)[0][0] if shapes else None
    differing = [{"run": observation.run, "verdict": observation.verdict, "reasons": list(observation.reasons)}
                 for observation in observations if (observation.verdict, observation.shape) != usual]
    if not decided:
        kind = NEVER_DECIDED
    elif len(verdicts) > 1:
        kind = FLAKY
    elif len(decided) < len(observations):
        kind = SOMETIMES_UNDECIDED
    elif len({observation.shape for observation in decided}) > 1:
        kind = VARIES
    else:
        kind = STABLE
    return {"class": kind, "counts": dict(counts.most_common()), "differing": differing}


def mode_effect(by_mode: dict[str, dict]) -> str | None:
    """Across modes (mode -> classification): a flake seen in one mode only, or each mode stable with a
    verdict of its own; None when the modes agree (or there is one mode)."""
    if len(by_mode) < 2:
        return None
    flaky = [mode for mode, found in by_mode.items() if found["class"] in (FLAKY, VARIES)]
    steady = [mode for mode, found in by_mode.items() if found["class"] == STABLE]
    if flaky and steady and len(flaky) + len(steady) == len(by_mode):  # a mode that could not decide says nothing
        return f"flaky in {' and '.join(flaky)} mode only"
    stable_verdicts = {mode: next(iter(found["counts"])) for mode, found in by_mode.items() if found["class"] == STABLE}
    if len(stable_verdicts) == len(by_mode) and len(set(stable_verdicts.values())) > 1:
        return "follows the mode: " + ", ".join(f"{verdict} in {mode}" for mode, verdict in stable_verdicts.items())
    return None


def tally(classified: list[dict]) -> dict[str, int]:
    """How many of each class, every class named (a zero says as much as a count)."""
    counts = Counter(found["class"] for found in classified)
    return {kind: counts.get(kind, 0) for kind in CLASSES}
