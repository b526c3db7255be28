"""The dialogs a view or the menu opens: goal, thresholds, report, preferences, wizard, profiles, transfer."""
