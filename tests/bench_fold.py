"""Benchmark: how long the fold takes for many behaviours and versions (figures, not assertions).

    python -m tests.bench_fold [BEHAVIOURS] [VERSIONS]
"""
import sys
import tempfile
import time
from pathlib import Path

from conformance import fold as fold_command
from tests.conftest import write_report


def main(behaviours: int = 500, versions: int = 12) -> None:
    names = [f"behaviour-{number:03d}" for number in range(behaviours)]
    with tempfile.TemporaryDirectory() as directory:
        reports = Path(directory)
        for minor in range(versions):
            write_report(reports, f"1.{minor}.0", {name: "confirmed" if (number + minor) % 7 else "contradicted"
                                                   for number, name in enumerate(names)})
        started = time.perf_counter()
        fold_command.main(["--reports-dir", str(reports)])
        elapsed = time.perf_counter() - started
        size = (reports / "index.html").stat().st_size
    print(f"fold of {behaviours} behaviours x {versions} versions: {elapsed:.2f} s, index.html {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
