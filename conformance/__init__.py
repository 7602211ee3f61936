"""The BitTorrent Sync API conformance suite: checks, catalogue and reports."""

__version__ = "0.1.0"
