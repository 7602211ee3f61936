"""Differential runs: the same generated requests to two targets, every difference in their answers shown
with the shortest sequence that reproduces it (`python -m conformance.differential`)."""
