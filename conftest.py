"""Wiring only: the suite's command-line options and its pytest plugin (conformance/harness/plugin.py)."""

pytest_plugins = ["conformance.harness.plugin"]


def pytest_addoption(parser):
    target = parser.getgroup("sync target", "which Sync instance the checks run against")
    target.addoption("--sync-binary", metavar="PATH",
                     help="btsync executable, wrapper script or official .tar.gz to launch (env SYNC_BINARY)")
    target.addoption("--sync-api-key", metavar="KEY", help="API key for launched builds (env SYNC_API_KEY)")
    target.addoption("--sync-url", metavar="URL", help="attach to a running instance (env SYNC_URL)")
    target.addoption("--sync-user", help="webui login of the attached instance (env SYNC_USER)")
    target.addoption("--sync-password", help="webui password of the attached instance (env SYNC_PASSWORD)")
    target.addoption("--sync-port", type=int, metavar="N", help="webui port for a launched build (default: a free one)")
    target.addoption("--allow-destructive", action="store_true",
                     help="run crash probes and many-folder checks on an attached instance too")
    target.addoption("--allow-host-network", action="store_true",
                     help="launch the build even where no private network namespace can be made (not recommended)")
    target.addoption("--ready-timeout", type=float, default=15.0, metavar="S",
                     help="seconds a launched build has to start answering (default 15)")
    target.addoption("--request-timeout", type=float, default=10.0, metavar="S",
                     help="seconds a request may take; an answer slower than half of it counts as the target "
                          "being unhealthy, which makes the check inconclusive (default 10)")
    target.addoption("--sync-platform", metavar="PLATFORM",
                     help="the target's platform, such as linux-arm, where the suite cannot tell it (an emulator's "
                          "wrapper script whose executable it does not find, an attached instance); default: get_os "
                          "and the executable's architecture")
    target.addoption("--double-profile", default="1.4.111", metavar="VERSION",
                     help="reference double profile when no target is given: 1.3.106 or 1.4.111 (default)")
    target.addoption("--double-switches", default="observed", metavar="SPEC",
                     help="reference double switches: observed (default), all, none, or NAME=on|off,...")
    target.addoption("--double-version", metavar="VERSION",
                     help="the version the reference double reports instead of its profile's, to see how a version "
                          "the catalogue does not record is judged (e.g. 1.4.120)")
    budgets = parser.getgroup("sync checks", "budgets and thresholds of the checks")
    budgets.addoption("--examples", type=int, default=100, metavar="N",
                      help="Hypothesis examples per property check (default 100)")
    budgets.addoption("--no-shrink", action="store_true",
                      help="report a property check's first failing example as found instead of shrinking it "
                           "to a smaller one: faster (against a build, every shrinking step is requests), "
                           "the example shown is larger")
    budgets.addoption("--many-folders", type=int, default=1000, metavar="N",
                      help="folders many-folders-cpu-load adds (default 1000)")
    budgets.addoption("--cpu-window", type=float, metavar="S",
                      help="seconds of CPU observation after adding the folders at most (default 10; 4 for the "
                           "reference double, whose load, where it imitates one, is there from the last folder on)")
    budgets.addoption("--cpu-busy", type=float, default=80.0, metavar="PCT",
                      help="mean CPU (%% of one core) at or above which the load is confirmed (default 80)")
    budgets.addoption("--cpu-idle", type=float, default=25.0, metavar="PCT",
                      help="mean CPU (%% of one core) at or below which the load is contradicted (default 25)")
    budgets.addoption("--peer-deadline", type=float, metavar="S",
                      help="seconds a peer scenario waits for data to arrive (default 120; 15 for the reference "
                           "double, whose instances sync within a second)")
    budgets.addoption("--peer-watch", type=float, metavar="S",
                      help="the fewest seconds a peer scenario watches for a change that must not spread; it "
                           "watches as long as the slowest spread measured on the run, if longer (default 10; 5 "
                           "for the reference double)")
    budgets.addoption("--peer-file-mb", type=float, default=4.0, metavar="MB",
                      help="size of the large random file the peer scenarios share (default 4)")
    verdicts = parser.getgroup("sync expectations", "what a run is judged against")
    verdicts.addoption("--expectations", choices=("catalogue", "none"), default="catalogue",
                       help="catalogue (default): departures recorded for this version are expected (strict "
                            "xfail); none: every behaviour must be confirmed")
    verdicts.addoption("--baseline", metavar="FILE",
                       help="an earlier run's report JSON: the run fails only where a verdict changed since")
    verdicts.addoption("--allow-undecided", metavar="IDS", action="append", default=[],
                       help="behaviours (comma-separated, or all) that may end not judged or not recorded without "
                            "failing the run; by default an undecided behaviour fails it: unknown is never a pass")
    verdicts.addoption("--confirm-failures", type=int, default=2, metavar="K",
                       help="before a behaviour fails the run (a regression, departs differently, stale, fixed, not "
                            "judged), run its checks again K times on a fresh instance: failing every time it fails "
                            "the run, seen N of N times; otherwise it is flaky (default 2; 0: no reruns)")
    verdicts.addoption("--catalogue", metavar="FILE",
                       help="behaviour catalogue to use instead of conformance/catalogue.toml")
    parser.addoption("--reports-dir", default="reports", metavar="DIR",
                     help="where sync-<version>.json and .html are written (default reports/)")
