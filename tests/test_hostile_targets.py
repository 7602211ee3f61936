"""Whatever a target answers is untrusted input: the client reads it bounded (size, time, depth, no
redirect), the files it names stay inside the reports directory, and pages and terminal show it as text.
The misbehaving target is tests/hostile_target.py."""
import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conformance.docs.document import read
from conformance.docs.write import load_inputs, write_documents
from fixtures import client as client_module
from fixtures.client import SyncClient
from fixtures.untrusted import OutsideDirectory, as_version, confined, file_part, printable, strict_json
from tests.conftest import ROOT, leftovers, run_conformance
from tests.hostile_target import HOSTILE_VERSIONS, hostile_target

DEADLINE_S = 2.0
# mode -> what the exchange must say (a transport error's beginning, or an HTTP status)
BROKEN_ANSWERS = {
    "huge": "answer larger than", "endless": "answer larger than", "gzip-bomb": "answer larger than",
    "drip": "timed out", "drip-headers": "timed out", "bad-length": "timed out",
    "deep-json": "answer nested deeper than", "redirect": 302, "redirect-loop": 307, "redirect-scheme": 308,
}


@pytest.mark.parametrize("mode", sorted(BROKEN_ANSWERS))
def test_a_broken_answer_is_an_exchange_bounded_in_time_and_size(mode):
    with hostile_target(mode) as served:
        started = time.monotonic()
        exchange = SyncClient(served.url, ("user", "password"), timeout=DEADLINE_S).call("get_version")
        took = time.monotonic() - started
        asked_elsewhere = served.requests_elsewhere
    expected = BROKEN_ANSWERS[mode]
    if isinstance(expected, int):
        assert (exchange.status, exchange.transport_error) == (expected, None)
        assert asked_elsewhere == 0, "a redirect was followed"
    else:
        assert not exchange.answered and exchange.transport_error.startswith(expected), exchange.transport_error
    assert took < DEADLINE_S + 1.5, f"{mode}: {took:.1f} s for a {DEADLINE_S} s deadline"
    json.loads(strict_json(exchange.to_dict()))


@pytest.mark.parametrize("mode, key, kept", [("nan", "error", "NaN"), ("surrogate", "message", "\\ud800")])
def test_odd_json_values_reach_reports_as_text_strict_parsers_read(mode, key, kept):
    with hostile_target(mode) as served:
        exchange = SyncClient(served.url, None, timeout=DEADLINE_S).call("get_version")
    record = json.loads(strict_json(exchange.to_dict()), parse_constant=lambda name: pytest.fail(name))
    assert record["json"][key] == kept
    strict_json(record).encode("utf-8")  # no lone surrogate left to break a file


def test_evidence_keeps_a_long_body_by_its_head_tail_size_and_digest():
    exchange = client_module.Exchange("http://x", "/api", {}, 0.0, 1.0, status=200, text="a" * 10 ** 6)
    record = exchange.to_dict()
    assert len(record["text"]) < 2 * client_module.KEEP_BODY_CHARS
    assert record["body_cut"]["characters"] == 10 ** 6 and len(record["body_cut"]["sha256"]) == 16
    short = client_module.Exchange("http://x", "/api", {}, 0.0, 1.0, status=200, text="{}", json={})
    assert short.to_dict()["text"] == "{}" and "body_cut" not in short.to_dict()


def test_target_text_is_a_version_only_in_a_versions_shape():
    assert as_version("1.4.111") == "1.4.111"
    for odd in ("1.4.111/../x", "1." + "4" * 5000, "1.4.111\n", 14111, None, "x"):
        assert as_version(odd) is None


def test_file_names_from_target_text_stay_in_their_directory(tmp_path):
    assert file_part("../../etc/passwd") == "_.._etc_passwd" and file_part("..") == "_"
    assert file_part("1.4.111'%#=x") == "1.4.111_x"
    assert confined(tmp_path, "sync-1.4.111.json") == (tmp_path / "sync-1.4.111.json").resolve()
    with pytest.raises(OutsideDirectory):
        confined(tmp_path, "../sync.json")


def test_escape_sequences_reach_the_terminal_as_text():
    assert printable("a\x1b[2Jb\x1b]0;t\x07\u202ec\nd\te") == "a\\x1b[2Jb\\x1b]0;t\\x07\\u202ec\nd\te"


def _attached_run(tmp_path: Path, mode: str) -> tuple:
    with hostile_target(mode) as served:
        run = run_conformance(tmp_path, "--sync-url", served.url, "--sync-user", "u", "--sync-password", "p",
                              "--request-timeout", str(DEADLINE_S), "--examples", "5",
                              checks=("conformance/test_get_version_matches_banner.py",
                                      "conformance/test_http_status_on_error.py"))
    return run, served


@pytest.mark.parametrize("mode", ["version-path", "version-escapes", "markup", "escapes", "redirect"])
def test_a_hostile_instance_reaches_nothing_past_its_reports(tmp_path, mode):
    """Attached as a user would: no file outside the reports dir, no traceback, no raw escape on the
    terminal, no live element from the answers in the page."""
    run, _ = _attached_run(tmp_path, mode)
    assert "Traceback" not in run.output and "\x1b" not in run.output, run.output[-3000:]
    for base in (run.reports_dir, ROOT / ".hypothesis" / "sync"):  # where the version names files
        assert not (base / HOSTILE_VERSIONS["version-path"]).parent.resolve().exists()
    assert leftovers(run.tmp) == ([], [])
    if mode == "redirect":  # refused at set-up: one line naming the redirect
        assert run.process.returncode == 4 and "follows no redirect" in run.output, run.output
        return
    written = sorted(path.name for path in run.reports_dir.iterdir())
    expected_stem = "sync-unknown" if mode.startswith("version-") else "sync-1.4.111"
    assert written == [f"{expected_stem}.partial.{suffix}" for suffix in ("html", "json", "xml")], written
    assert_no_live_markup(run.html())
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e]", run.html())  # shown as escapes, not raw
    document = run.document()
    assert document["run_info"]["version"] in ("unknown", "1.4.111")


class _LiveMarkup(HTMLParser):
    """Elements and handlers the hostile target's answers would bring: their marker is 'pwned'."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("img src=x")
        self.found += [f"{tag} {name}" for name, value in attrs if name.startswith("on") and "pwned" in (value or "")]

    def handle_data(self, data):
        if self.lasttag == "script" and "pwned" in data:
            self.found.append("script")


def assert_no_live_markup(html: str) -> None:
    parser = _LiveMarkup()
    parser.feed(html)
    assert parser.found == [], parser.found


def test_docs_write_keeps_directives_and_markup_from_reports_out_of_the_page(tmp_path):
    """A report whose version and reasons hold reStructuredText: no raw HTML, no included file, no link."""
    included = tmp_path / "included.txt"  # what an include directive would bring in
    included.write_text("INCLUDED-FILE-CONTENT\n")
    hostile = (f"1.4.111\n\n.. raw:: html\n\n   <img src=x onerror=\"document.title='pwned'\">\n\n"
               f".. include:: {included}\n\n`x <javascript:pwned()>`_ |sub| *strong*")
    report = {"format": "sync-conformance-report/1",
              "run_info": {"version": hostile, "target_platform": hostile, "target_kind": "launched"},
              "results": [{"behaviour": "http-status-on-error", "verdict": "contradicted", "reason": hostile,
                           "source": "undocumented-behaviors.rst, item 1", "kind": "documented-quirk",
                           "statement": "s"}]}
    path = tmp_path / "sync-x.json"
    path.write_text(json.dumps(report))
    written = write_documents(read(ROOT / "tests" / "data" / "undocumented-behaviors.rst"),
                              load_inputs([path]), tmp_path / "docs")
    assert len(written) == 4
    for page in written:
        assert page.parent == tmp_path / "docs", page
        text = page.read_text()
        if page.suffix == ".html":
            assert_no_live_markup(text)
            assert 'href="javascript' not in text and "INCLUDED-FILE-CONTENT" not in text

