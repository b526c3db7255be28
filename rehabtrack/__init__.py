"""RehabTrack: a weekly recovery tracker for physical and occupational therapy."""

__version__ = "0.1.0"
