"""Documentation verification: a behaviour document's examples run against a live target (check.py), and
the document written as each build deserves from reports (write.py). `python -m conformance.docs`."""
