"""The views a person works in, one per tab: check-in, history, dashboard (with its session view) and
questionnaires."""
