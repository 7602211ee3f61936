"""Where a run's report files go, and the last look at them before the run ends.

A complete run (every check of every behaviour has a verdict, nothing interrupted it) writes
`reports/sync-<version>.{json,html,xml}`. An incomplete one (a selection with -k, -m or a file; Ctrl-C,
SIGTERM, -x) writes `sync-<version>.partial.*`, whether or not a complete report is there: its name says
what it is, and a complete report is never replaced by less. The HTML and XML are written under the
partial names while the run goes on and moved when it ends complete. The JSON and the HTML say whether
the run was complete.

Last, every file is redacted once more with everything the run has learned by its end (a secret a peer
learned after a check's evidence was written is still hidden).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fixtures.redaction import Redactor
from fixtures.untrusted import confined, file_part, strict_json

PARTIAL = ".partial"
MIN_FREE_BYTES = 64 * 1024 * 1024  # a full run's reports take a few MB; a thousand-folder run more


class ReportsDirError(ValueError):
    pass


def check_reports_dir(directory: Path) -> None:
    """Before anything starts: the directory exists (or can be made), takes a file and has room."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".write-test-"):
            pass
    except OSError as error:
        raise ReportsDirError(f"--reports-dir {directory}: cannot write there ({error.strerror}); pass a "
                              f"writable directory") from None
    free = shutil.disk_usage(directory).free
    if free < MIN_FREE_BYTES:
        raise ReportsDirError(f"--reports-dir {directory}: only {free // 2 ** 20} MB free, a run needs about "
                              f"{MIN_FREE_BYTES // 2 ** 20} MB; free some space or pass another directory")


def target_name(version: str, is_double: bool, double_switches: str = "observed") -> str:
    """The one name of a target in every file name the suite writes: 1.4.111 (a build, or an instance by
    URL), 1.4.111-double, and 1.4.111-double-all for a double whose switches were set by hand (it
    imitates no build, so its reports never replace those of the double as observed)."""
    name = version + ("-double" if is_double else "")
    if is_double and double_switches != "observed":
        name += "-" + double_switches
    return file_part(name)


@dataclass
class ReportFiles:
    """The final and the partial paths of one run's JSON, HTML and XML (the HTML and XML only where the
    suite chose them: a path given with --html or --junitxml is the user's and stays as given)."""
    json: Path
    html: Path | None
    xml: Path | None

    @staticmethod
    def stem(version: str, is_double: bool, double_switches: str = "observed") -> str:
        """What a run's reports are called: sync-1.4.111, sync-1.4.111-double for the double."""
        return "sync-" + target_name(version, is_double, double_switches)

    @classmethod
    def for_stem(cls, directory: Path, stem: str, html_given: bool, xml_given: bool) -> ReportFiles:
        return cls(confined(directory, f"{stem}.json"), None if html_given else confined(directory, f"{stem}.html"),
                   None if xml_given else confined(directory, f"{stem}.xml"))

    def writing_path(self, final: Path) -> Path:
        """Where pytest-html or JUnit writes while the run goes on."""
        return self.partial(final)

    @staticmethod
    def partial(path: Path) -> Path:
        return path.with_name(path.stem + PARTIAL + path.suffix)

    def write_json(self, document: dict, complete: bool) -> Path:
        """Writes the JSON where it belongs (see the module doc); returns the path (OSError if it cannot)."""
        path = self.json if complete else self.partial(self.json)
        staged = self.partial(path) if path == self.json else path.with_name(path.name + ".tmp")
        staged.write_text(strict_json(document))
        os.replace(staged, path)
        return path

    def settle(self, json_path: Path) -> list[Path]:
        """Puts the HTML and XML where the JSON went (partial names or final ones). Returns the files
        this run wrote."""
        written = [json_path]
        for final in (self.html, self.xml):
            if final is None or not self.writing_path(final).exists():
                continue
            if json_path == self.json:
                os.replace(self.partial(final), final)
            written.append(final if json_path == self.json else self.partial(final))
        return written


def redact_files(paths: list[Path], redactor: Redactor) -> None:
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        redacted = redactor.text(text)
        if redacted != text:
            path.write_text(redacted, encoding="utf-8")
