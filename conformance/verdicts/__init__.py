"""Pure rules, no I/O with a target: what a check's outcome is, the verdict rule, the catalogue, what a
run is expected to show and how a verdict is judged against that, a check's behaviour fingerprint."""
