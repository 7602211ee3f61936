"""The differential run: the same generated sequences to two targets, every difference kept once and
shrunk to the shortest sequence that still shows it.

Exploration is Hypothesis's generate phase over `steps.sequences()`; each sequence is played on both
targets step by step (A then B for each request), each from a clean slate. A difference counts only when
a replay shows it again: shrinking (delta debugging over the recorded steps, then dropping parameters one
at a time) replays from a clean slate each time, so the reproducer shown was seen to work. A sequence
during which either target was paused, hung, answered slowly or was killed from outside shows nothing:
its differences are set aside as disturbed, never reported as the targets' own.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed

from conformance.differential.compare import Answer, Difference, compare
from conformance.differential.sides import Side
from conformance.differential.steps import Step, sequences
from conformance.verdicts.verdict import is_crash
from fixtures.watch import JOURNAL

DISTURBANCES = ("paused", "slow", "hung", "storage full")


def is_disturbance(incident: dict) -> bool:
    """What makes a sequence's answers worthless: a pause, a hang, a slow answer, a full disk, or a death
    by a signal that is no crash (killed from outside: SIGKILL, SIGTERM). A crash, or an exit after
    shutdown, is an answer of its own."""
    if incident.get("kind") == "died":
        status = incident.get("exit_status")
        return status is not None and status < 0 and not is_crash(status)
    return incident.get("kind") in DISTURBANCES
MAX_REPLAYS_PER_FINDING = 40


@dataclass
class Played:
    """A sequence played on both targets: per step the two answers and their differences."""
    steps: list[Step]
    answers: list[tuple[Answer, Answer]]
    differences: list[list[Difference]]
    disturbances: list[dict]

    def first_step_showing(self, key: str) -> int | None:
        return next((index for index, found in enumerate(self.differences) if any(d.key == key for d in found)),
                    None)


@dataclass
class Finding:
    difference: Difference  # as first seen
    seen_in: list[Step]  # the sequence it was first seen in, cut after the step that showed it
    occurrences: int = 1
    reproducer: Played | None = None  # the shrunk sequence, as last replayed (None: not reproduced)
    replays: int = 0

    @property
    def key(self) -> str:
        return self.difference.key

    def earlier_keys(self) -> list[str]:
        """Differences the reproducer showed before its last step: this one may follow from them."""
        if self.reproducer is None:
            return []
        return list(dict.fromkeys(d.key for found in self.reproducer.differences[:-1] for d in found
                                  if d.key != self.key))


class BudgetSpent(Exception):
    """Ends Hypothesis's exploration once enough requests were sent."""


@dataclass
class Differential:
    a: Side
    b: Side
    requests: int = 0  # requests sent to both targets, replays included
    sequences: int = 0
    explored: tuple[int, int] = (0, 0)  # requests and sequences of the exploration, before any replay
    compared: int = 0  # requests of the exploration on undisturbed sequences: what was really compared
    asked: int = 0  # the requests the user asked to compare (--requests)
    min_coverage: float = 0.5  # below this share of `asked` compared, nothing was compared
    findings: dict[str, Finding] = field(default_factory=dict)
    disturbed: list[dict] = field(default_factory=list)

    def play(self, steps: list[Step]) -> Played:
        for side in (self.a, self.b):
            side.clean_slate()
        started = time.time()
        answers, differences = [], []
        for step in steps:
            pair = (self.a.send(step), self.b.send(step))
            answers.append(pair)
            differences.append(compare(*pair, step.method))
            self.requests += 1
            if any(answer.status is None or answer.process != "running" for answer in pair):
                break  # a target ended (shutdown, crash): what follows would only repeat that
        steps = steps[:len(answers)]
        self.sequences += 1
        for side in (self.a, self.b):  # a death the monitor has not sampled yet (it looks ten times a second)
            if side.owned:
                side.instance.owned.note_death()
        roles = {self.a.instance.role, self.b.instance.role}
        disturbances = [incident for incident in JOURNAL.between(started, time.time())
                        if incident.get("instance") in roles and is_disturbance(incident)]
        return Played(list(steps), answers, differences, disturbances)

    # -- exploration -----------------------------------------------------------------------------------
    def explore(self, budget: int, seed: int, max_steps: int) -> None:
        """Play generated sequences until `budget` requests were sent; a disturbed sequence is played
        once more."""
        self.asked = budget
        @settings(max_examples=10 ** 6, database=None, deadline=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
        @hypothesis_seed(seed)
        @given(sequences(max_steps))
        def one_sequence(steps: list[Step]) -> None:
            if self.requests >= budget:
                raise BudgetSpent()
            played = self.play(steps)
            if played.disturbances and self.requests < budget:  # a pause or a slow answer: once more
                self.record(played)
                played = self.play(steps)
            self.record(played)
        try:
            one_sequence()
        except BudgetSpent:
            pass
        self.explored = (self.requests, self.sequences)

    def record(self, played: Played) -> None:
        if played.disturbances:
            self.disturbed.append({"steps": len(played.steps), "incidents": played.disturbances,
                                   "differences": sorted({d.key for found in played.differences for d in found})})
            return
        self.compared += len(played.steps)
        for index, found in enumerate(played.differences):
            for difference in found:
                if difference.key in self.findings:
                    self.findings[difference.key].occurrences += 1
                else:
                    self.findings[difference.key] = Finding(difference, played.steps[:index + 1])

    # -- shrinking -------------------------------------------------------------------------------------
    def shrink_all(self) -> None:
        for finding in self.findings.values():
            self.shrink(finding)

    def shrink(self, finding: Finding) -> None:
        """Replace `finding.seen_in` by the shortest sequence found that still shows the difference."""
        def shows(candidate: list[Step]) -> Played | None:
            for _ in range(2):  # a replay a pause or a slow answer disturbed is tried once more
                if finding.replays >= MAX_REPLAYS_PER_FINDING:
                    return None
                finding.replays += 1
                played = self.play(candidate)
                if not played.disturbances:
                    break
            else:
                return None
            at = played.first_step_showing(finding.key)
            if at is None:
                return None
            return Played(played.steps[:at + 1], played.answers[:at + 1], played.differences[:at + 1], [])

        best = shows(finding.seen_in)
        if best is None:
            return
        chunks = 2
        while len(best.steps) > 1 and chunks <= len(best.steps):
            size = max(1, len(best.steps) // chunks)
            last = len(best.steps) - 1  # the step that differs stays
            for start in range(0, last, size):
                candidate = best.steps[:start] + best.steps[min(start + size, last):]
                smaller = shows(candidate) if candidate else None
                if smaller is not None:
                    best, chunks = smaller, max(chunks - 1, 2)
                    break
            else:
                if size == 1:
                    break
                chunks *= 2
        for index in range(len(best.steps)):  # then each parameter the difference does not need
            for position in range(len(best.steps[index].params) - 1, -1, -1):
                step = best.steps[index]
                if position >= len(step.params) or step.params[position][0] == "method":
                    continue
                lighter = replace(step, params=step.params[:position] + step.params[position + 1:])
                smaller = shows(best.steps[:index] + [lighter] + best.steps[index + 1:])
                if smaller is not None and len(smaller.steps) == len(best.steps):
                    best = smaller
        finding.reproducer = best
