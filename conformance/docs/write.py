"""The document as each build deserves, from reports (no target needed).

Inputs: conformance reports (the verdicts; an item's behaviours are the catalogue entries whose source
names the document and the item's number) and `docs check` reports (what the build printed for each
example). Output, in reStructuredText that Sphinx builds unchanged and as HTML (docutils):

- a page per build: each item keeps its title and prose, says whether it holds on that build, and its
  examples show what the build answered (secrets as `<X-secret/LENGTH:hash>`, temp dirs as `<tmp N>`);
- a page across versions: per item, where it holds and where it stopped holding, and each example's
  answers grouped by the versions that gave them;
- on both, a section for the behaviours the suite observed that no document states.
"""
from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from conformance.docs.check import CHECK_FORMAT, CRASHED, RAISED, one_line
from conformance.docs.document import PROMPT, Document, Item
from conformance.reporting.document import FORMAT as RUN_FORMAT
from conformance.verdicts.expectations import version_key
from fixtures.untrusted import file_part, printable

OBSERVED = "observed-undocumented"
# Across builds, two secrets of the same type and length are alike: their digests would only part the groups
SECRET_DIGEST = re.compile(r"(<\w-secret/\d+):[0-9a-f]{6}>")
WORDS = {"confirmed": "holds", "contradicted": "does not hold", "inconclusive": "undecided"}
_INLINE_MARKUP = re.compile(r"([\\`*_|\[\]:<>])")


def inline(text: str, width: int = 600) -> str:
    """Text from a report (a target's version or reason) as plain inline reStructuredText: one line, its
    markup characters escaped, so nothing in it can become a directive, a role, a link or a reference."""
    return _INLINE_MARKUP.sub(r"\\\1", printable(one_line(str(text), width)))


class WriteError(Exception):
    """A report that cannot be used: the message names it and the fix."""


@dataclass
class Build:
    version: str
    platform: str
    is_double: bool
    switches: str | None = None  # the double's --double-switches ("observed": as its profile's build)
    results: dict[str, dict] = field(default_factory=dict)  # behaviour -> its result in the run's report
    examples: dict[int, dict] = field(default_factory=dict)  # document line -> docs check outcome
    client: str | None = None
    document: str | None = None

    @property
    def identity(self) -> tuple:
        return self.version, self.is_double, self.switches

    @property
    def switched(self) -> bool:
        """A double with switches set by hand: it imitates no build."""
        return self.is_double and self.switches not in (None, "observed")

    @property
    def key(self) -> str:
        switched = f"-{self.switches}" if self.switched else ""
        return file_part(f"{self.version}-{self.platform}" + ("-double" if self.is_double else "") + switched, 120)

    @property
    def label(self) -> str:
        """As reStructuredText (escaped: the version and platform are the target's text)."""
        switched = f" with switches {self.switches}" if self.switched else ""
        return inline(f"{'the reference double of ' if self.is_double else ''}Sync {self.version} "
                      f"({self.platform}){switched}")

    @property
    def short(self) -> str:
        """As reStructuredText, like `label`."""
        return inline(self.version + ((f" (double: {self.switches})" if self.switched else " (double)")
                                      if self.is_double else ""))


@dataclass
class Inputs:
    builds: list[Build]

    def document_path(self) -> Path:
        paths = {build.document for build in self.builds if build.document}
        if len(paths) != 1:
            raise WriteError("which document? pass --doc DOC.rst" + (
                f" (the check reports ran {len(paths)} documents)" if paths else " (no docs check report given)"))
        return Path(paths.pop())


def default_inputs(reports_dir: Path) -> list[Path]:
    runs = [path for path in sorted(reports_dir.glob("sync-*.json")) if not path.name.endswith(".partial.json")]
    return runs + sorted((reports_dir / "docs").glob("check-*.json"))


def load_inputs(paths: list[Path]) -> Inputs:
    builds: dict[tuple, Build] = {}
    checks = []
    for path in paths:
        record = _read(path)
        if record.get("format") == RUN_FORMAT:
            info = record.get("run_info", {})
            if not info.get("complete", True):
                raise WriteError(f"{path}: a partial run, whose verdicts cannot say whether an item holds on that "
                                 f"build; give the reports of complete runs")
            is_double = info.get("target_kind") == "reference-double"
            build = Build(str(info.get("version")), str(info.get("target_platform") or "unknown"), is_double,
                          (info.get("options") or {}).get("double_switches") if is_double else None)
            build.results = {result["behaviour"]: result for result in record.get("results", [])}
            builds[(build.platform, *build.identity)] = build
        elif record.get("format") == CHECK_FORMAT:
            checks.append(record)
        else:
            raise WriteError(f"{path}: neither a conformance report nor a docs check report; give "
                             f"reports/sync-*.json or reports/docs/check-*.json")
    for record in sorted(checks, key=lambda record: record.get("started", "")):  # the newest last: it wins
        checked = Build(str(record.get("version")), record.get("platform") or "unknown", bool(record.get("is_double")),
                        record.get("double_switches"))
        matching = [build for build in builds.values() if build.identity == checked.identity] or \
            [builds.setdefault((checked.platform, *checked.identity), checked)]
        for build in matching:
            build.examples = {example["line"]: example for example in record["examples"]}
            build.client, build.document = record.get("client"), record.get("document")
    if not builds:
        raise WriteError("no reports: run `pytest conformance` or `python -m conformance.docs check DOC.rst` "
                         "first, or give REPORT.json files")
    return Inputs(sorted(builds.values(), key=lambda build: (version_key(build.version), build.is_double)))


def _read(path: Path) -> dict:
    try:
        record = json.loads(path.read_text())
    except FileNotFoundError:
        raise WriteError(f"{path}: no such file") from None
    except (OSError, ValueError) as error:
        raise WriteError(f"{path}: not a JSON report ({error})") from None
    if not isinstance(record, dict):
        raise WriteError(f"{path}: not a JSON report (no object at the top)")
    return record


# -- an item's behaviours ----------------------------------------------------------------------------------
def item_behaviours(document: Document, item: Item, results: dict[str, dict]) -> list[dict]:
    name = re.escape(document.path.name)
    pattern = re.compile(rf"{name}\b.*?\bitem {item.number}\b")
    return [result for result in results.values() if pattern.search(result.get("source", ""))]


# -- reStructuredText ------------------------------------------------------------------------------------
def _heading(text: str, mark: str) -> list[str]:
    return [text, mark * max(len(text), 4), ""]


def _literal(lines: list[str]) -> list[str]:
    return ["::", ""] + [f"    {line}" if line else "" for line in lines] + [""]


def _example_lines(source: str, output: str) -> list[str]:
    lines = [(">>> " if index == 0 else "... ") + line for index, line in enumerate(source.rstrip("\n").splitlines())]
    return lines + printable(output).rstrip("\n").splitlines()


def _answer(answered: dict) -> str:
    """What the build printed; an exception as the interpreter shows one (and doctest reads it)."""
    if answered["outcome"] in (RAISED, CRASHED):
        return f"Traceback (most recent call last):\n  ...\n{answered['got']}"
    return answered["got"]


def _segments(item: Item) -> list[tuple[str, list[tuple[int, str]]]]:
    """The item's lines as ('prose', lines) and ('examples', lines), each line with its document number."""
    segments: list[tuple[str, list[tuple[int, str]]]] = []
    in_example = False
    for offset, line in enumerate(item.lines):
        number = item.first_line + 1 + offset
        if PROMPT.match(line):
            in_example = True
        elif in_example and (not line.strip() or not line.startswith(" ")):
            in_example = False
        kind = "examples" if in_example else "prose"
        if kind == "prose" and line.strip() == "::":
            continue  # each example block brings its own
        if segments and segments[-1][0] == kind:
            segments[-1][1].append((number, line))
        else:
            segments.append((kind, [(number, line)]))
    return segments


def _prose(lines: list[tuple[int, str]]) -> list[str]:
    text = [line.strip() for _, line in lines]
    while text and not text[0]:
        text.pop(0)
    while text and not text[-1]:
        text.pop()
    return text + [""] if text else []


def _examples_in(item: Item, lines: list[tuple[int, str]]):
    numbers = {number for number, _ in lines}
    return [example for example in item.examples if example.line in numbers]


def build_page(document: Document, build: Build) -> str:
    out = _heading(f"{document.title}: as {build.label} behaves", "=")
    out += _provenance([build])
    out += _prose([(0, line) for line in document.preamble])
    for item in document.items:
        out += _heading(item.title, "-")
        behaviours = item_behaviours(document, item, build.results)
        out += [f"- ``{file_part(result['behaviour'])}`` {history([(build, result)])}" for result in behaviours] or \
               [f"No conformance verdict for this item on {build.short}."]
        out += [""]
        for kind, lines in _segments(item):
            if kind == "prose":
                out += _prose(lines)
                continue
            body = []
            for example in _examples_in(item, lines):
                answered = build.examples.get(example.line)
                body += _example_lines(example.source, _answer(answered) if answered else example.want)
            out += _literal(body)
    out += _observed_section(build.results, [build])
    return "\n".join(out) + "\n"


def across_page(document: Document, builds: list[Build]) -> str:
    out = _heading(f"{document.title}: across Sync versions", "=")
    out += _provenance(builds, secret_shape="<X-secret/LENGTH>")
    out += _prose([(0, line) for line in document.preamble])
    for item in document.items:
        out += _heading(item.title, "-")
        by_behaviour: dict[str, list[tuple[Build, dict]]] = {}
        for build in builds:
            for result in item_behaviours(document, item, build.results):
                by_behaviour.setdefault(result["behaviour"], []).append((build, result))
        out += [f"- ``{file_part(name)}``: {history(seen)}" for name, seen in by_behaviour.items()] or \
               ["No conformance verdict for this item in the reports given."]
        out += [""]
        for kind, lines in _segments(item):
            if kind == "prose":
                out += _prose(lines)
                continue
            out += _examples_across(_examples_in(item, lines), builds)
    out += _observed_section({name: result for build in builds for name, result in build.results.items()}, builds)
    return "\n".join(out) + "\n"


def _examples_across(examples, builds: list[Build]) -> list[str]:
    """A block of examples with what each group of builds answered: one block when every example got
    its answers from the same builds alike, else a block per example and answer."""
    answered = []
    for example in examples:
        answers: dict[str, list[str]] = {}
        for build in builds:
            if example.line in build.examples:
                answer = SECRET_DIGEST.sub(r"\1>", _answer(build.examples[example.line]))
                answers.setdefault(answer, []).append(build.short)
        answered.append((example, answers))
    groupings = {tuple(tuple(versions) for versions in answers.values()) for _, answers in answered}
    if len(groupings) == 1 and all(len(answers) == 1 for _, answers in answered):
        [[versions]] = groupings
        heading = f"On {', '.join(versions)}:" if versions else "Not run on any build; as the document shows them:"
        body = [line for example, answers in answered
                for line in _example_lines(example.source, next(iter(answers), example.want))]
        return [heading, ""] + _literal(body)
    out = []
    for example, answers in answered:
        if not answers:
            out += ["Not run on any build; as the document shows it:", ""]
            out += _literal(_example_lines(example.source, example.want))
        for got, versions in answers.items():
            out += [f"On {', '.join(versions)}:", ""] + _literal(_example_lines(example.source, got))
    return out


def history(seen: list[tuple[Build, dict]]) -> str:
    """'holds on 1.3.106; no longer on 1.4.111: ...' from consecutive verdicts."""
    phrases, previous = [], None
    for build, result in seen:
        verdict = result["verdict"]
        if phrases and verdict == previous:
            phrases[-1][1].append(build.short)
            continue
        phrases.append((result, [build.short]))
        previous = verdict
    parts = []
    for index, (result, versions) in enumerate(phrases):
        words = WORDS.get(result["verdict"], inline(result["verdict"], 40))
        if index and result["verdict"] == "contradicted" and phrases[index - 1][0]["verdict"] == "confirmed":
            words = "no longer holds"
        reason = "" if result["verdict"] == "confirmed" else f" ({inline(result.get('reason', ''), 160)})"
        parts.append(f"{words} on {', '.join(versions)}{reason}")
    return "; ".join(parts)


def _observed_section(results: dict[str, dict], builds: list[Build]) -> list[str]:
    observed = sorted(name for name, result in results.items() if result.get("kind") == OBSERVED)
    if not observed:
        return []
    out = _heading("Observed by the conformance suite, stated by no document", "-")
    for name in observed:
        seen = [(build, build.results[name]) for build in builds if name in build.results]
        out += [f"``{file_part(name)}``", f"    {inline(results[name].get('statement', ''))}", "",
                f"    {history(seen)}", ""]
    return out


def _provenance(builds: list[Build], secret_shape: str = "<X-secret/LENGTH:hash>") -> list[str]:
    clients = sorted({inline(build.client, 120) for build in builds if build.client})
    ran = [build.short for build in builds if build.examples]
    line = (f"Written by the Sync conformance suite (``python -m conformance.docs write``) from the conformance "
            f"reports of {', '.join(build.short for build in builds if build.results) or 'no build'}")
    line += (f" and the examples as {', '.join(ran)} answered them (btsync: {'; '.join(clients)})." if ran else
             "; the examples were not run (``python -m conformance.docs check DOC.rst``), so they read as the "
             "document shows them.")
    return [".. note::", "", f"   {line} Secrets read ``{secret_shape}`` and temporary "
            f"directories ``<tmp N>``.", ""]


# -- files -----------------------------------------------------------------------------------------------
def render_html(rst: str, source_name: str) -> tuple[str, list[str]]:
    """HTML from docutils, and every warning it gave (the document's own prose may have some). No
    directive may bring in raw HTML or another file: the page holds what reports said."""
    from docutils.core import publish_string
    from docutils.writers.html5_polyglot import Writer

    warnings = io.StringIO()
    html = publish_string(rst, source_path=source_name, writer=Writer(), settings_overrides={
        "report_level": 2, "halt_level": 5, "warning_stream": warnings, "output_encoding": "unicode",
        "embed_stylesheet": True, "syntax_highlight": "none", "raw_enabled": False,
        "file_insertion_enabled": False})
    return html, [line for line in warnings.getvalue().splitlines() if line.strip()]


def write_documents(document: Document, inputs: Inputs, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    pages = [(f"{document.path.stem}-{build.key}", build_page(document, build)) for build in inputs.builds]
    pages.append((f"{document.path.stem}-across-versions", across_page(document, inputs.builds)))
    written = []
    for stem, rst in pages:
        html, warnings = render_html(rst, f"{stem}.rst")
        if warnings:
            raise WriteError(f"{stem}.rst: docutils warned ({warnings[0]}); the document's prose may need "
                             f"fixing there")
        for suffix, text in ((".rst", rst), (".html", html)):
            path = directory / f"{stem}{suffix}"
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
