"""What checks import: the folders a check adds, provoking a crash, Hypothesis strategies, the peer
scenario API."""
