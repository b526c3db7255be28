"""RehabTrack's data files (installed as the package ``rehabtrack.resources``; no code here)."""
