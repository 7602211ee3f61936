"""Running a document's examples against a live target, with doctest, and what each one came to:

- reproduces:          the target printed what the document shows (values that vary matched: matching.py),
                       or the document shows a traceback and the example crashed the target;
- output differs:      the target printed something else (both are kept);
- raised:              the example raised where the document shows output (the client's own error, a name
                       the client lacks);
- crashed the target:  the target died or hung during the example where the document shows output; it
                       is restarted, as in a conformance run, and the next example meets a healthy one.

Everything recorded passes the run's redactor; the temp dirs the examples made read `<tmp N>`.
"""
from __future__ import annotations

import doctest
import traceback
from dataclasses import asdict, dataclass

from conformance.docs.clients import TempDirs, document_client
from conformance.docs.document import Document
from conformance.docs.matching import SecretPairs, VaryingOutputChecker
from conformance.helpers.crashes import blame_crash
from conformance.verdicts.outcome import Evidence
from conformance.verdicts.verdict import describe, is_crash
from fixtures.redaction import SECRETS

CHECK_FORMAT = "sync-docs-check/1"  # the JSON a check writes (python -m conformance.docs check)
REPRODUCES, DIFFERS, RAISED, CRASHED = "reproduces", "output differs", "raised", "crashed the target"
OUTCOMES = (REPRODUCES, DIFFERS, RAISED, CRASHED)


@dataclass
class ExampleOutcome:
    item: int
    line: int
    source: str  # as the document writes it
    want: str
    outcome: str
    got: str = ""  # what the target printed, or the exception's last line
    detail: str = ""  # the crash, the secrets substituted, a repaired continuation

    def to_dict(self) -> dict:
        return asdict(self)


class _Recorder(doctest.DocTestRunner):
    """doctest's runner, with each example's outcome recorded instead of printed."""

    def __init__(self, target, checker: VaryingOutputChecker):
        super().__init__(checker=checker, verbose=False, optionflags=doctest.ELLIPSIS)
        self.target = target
        self.crashes = Evidence()  # what blame_crash records (the outcomes say it)
        self.outcomes: dict[int, tuple[str, str, str]] = {}  # id(doctest example) -> outcome, got, detail

    def report_start(self, out, test, example):
        pass

    def report_success(self, out, test, example, got):
        self.outcomes[id(example)] = (REPRODUCES, got, "")

    def report_failure(self, out, test, example, got):
        self.outcomes[id(example)] = (DIFFERS, got, "")

    def report_unexpected_exception(self, out, test, example, exc_info):
        last_line = traceback.format_exception_only(*exc_info[:2])[-1].strip()
        incident = blame_crash(self.target, self.crashes)  # restarted, as in a run
        if incident is None:
            self.outcomes[id(example)] = (RAISED, last_line, "")
            return
        crash = describe(incident).replace(" during the check", "") + "; restarted for the next example"
        if not example.want.startswith("Traceback (most recent call last):"):
            self.outcomes[id(example)] = (CRASHED, last_line, crash)
            return
        # a documented crash is reproduced as a run's verdict rule has it: a crash signal or a non-zero
        # exit, and the same example crashing the restarted target again (a hang, a slow answer or a kill
        # from outside is no crash)
        again = self._replay(test, example) if is_crash(incident.get("exit_status")) else None
        if again is not None and is_crash(again.get("exit_status")):
            self.outcomes[id(example)] = (REPRODUCES, last_line, crash + "; crashed it again when replayed")
        else:
            why = "no crash" if not is_crash(incident.get("exit_status")) else "not again when replayed"
            self.outcomes[id(example)] = (DIFFERS, last_line, f"{crash}; {why}, so the documented crash is "
                                                              f"not reproduced")

    def _replay(self, test, example) -> dict | None:
        """The example once more on the restarted target; the incident it caused, if any."""
        try:
            exec(compile(example.source, f"<replay of line {example.lineno}>", "single"), dict(test.globs))
        except Exception:  # what it raises is the client's view of the crash; the target's health decides
            pass
        return blame_crash(self.target, self.crashes)


def run_examples(document: Document, target, prefer_pybtsync: bool = True) -> tuple[list[ExampleOutcome], str]:
    """Every example in document order, in one namespace (later examples build on earlier ones, as in
    the document); the outcomes and a description of the `btsync` object used."""
    secrets = SecretPairs()
    tempdirs = TempDirs(target)
    btsync, client_description = document_client(target.client, prefer_pybtsync)
    checker = VaryingOutputChecker(secrets)
    recorder = _Recorder(target, checker)
    namespace = {"btsync": btsync, "tempfile": tempdirs}
    outcomes = []
    for example in document.examples:
        fixed = secrets.fixed_inputs(example.source)
        checker.secrets_by_value = bool(fixed)
        source, substituted = secrets.substitute(example.source)
        runnable = doctest.Example(source, example.want, exc_msg=example.exc_msg, lineno=example.line)
        test = doctest.DocTest([runnable], namespace, document.path.name, str(document.path), example.line, None)
        recorder.run(test, out=lambda _text: None, clear_globs=False)
        namespace = test.globs  # DocTest took a copy: what the example assigned lives on in it
        outcome, got, detail = recorder.outcomes.get(id(runnable), (RAISED, "no outcome recorded", ""))
        notes = [detail] if detail else []
        if substituted:
            notes.append(f"{substituted} of the document's secrets sent as the live ones they matched earlier")
        if fixed:
            notes.append("it sends the document's own secret, which determines the answer: secrets compared by value")
        if example.repaired:
            notes.append("lines under a ':' without '...' were read as the example's continuation")
        outcomes.append(ExampleOutcome(example.item, example.line, example.source, example.want, outcome,
                                       _shown(got, tempdirs), "; ".join(notes)))
    return outcomes, client_description


MAX_SHOWN_LINES = 12


def _shown(got: str, tempdirs: TempDirs) -> str:
    """Redacted, temp dirs aliased, and at most MAX_SHOWN_LINES lines (a loop prints a line per call)."""
    lines = SECRETS.text(tempdirs.aliased(got)).splitlines()
    if len(lines) > MAX_SHOWN_LINES:
        lines = lines[:MAX_SHOWN_LINES] + [f"... ({len(lines) - MAX_SHOWN_LINES} more lines)"]
    return "\n".join(lines) + ("\n" if lines else "")


def summary_lines(outcomes: list[ExampleOutcome]) -> list[str]:
    lines = []
    for outcome in outcomes:
        first = outcome.source.splitlines()[0]
        lines.append(f"  item {outcome.item}, line {outcome.line}: {outcome.outcome:<19} >>> {first[:70]}")
        if outcome.outcome != REPRODUCES:
            lines.append(f"      document: {one_line(SECRETS.text(outcome.want)) or '(no output)'}")
            lines.append(f"      target:   {one_line(outcome.got) or '(no output)'}")
        if outcome.detail:
            lines.append(f"      ({outcome.detail})")
    counts = {name: sum(1 for outcome in outcomes if outcome.outcome == name) for name in OUTCOMES}
    lines.append(", ".join(f"{count} {name}" for name, count in counts.items()))
    return lines


def one_line(text: str, width: int = 150) -> str:
    """Whitespace folded into single spaces, cut at `width` with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width - 3] + "..."

