"""What holds the views together: the app, the main window and its desktop behaviour, the reminder,
the single-instance guard, and the self-test."""
