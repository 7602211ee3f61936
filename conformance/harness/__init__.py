"""How a conformance run runs: the pytest plugin, the run and its settings, check windows, a check's
verdict and its judgement in pytest's terms, the peer scenario runner, signals, and what the commands
share (target specs, the command-line runner)."""
