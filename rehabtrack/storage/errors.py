"""Why a database cannot be opened. Kept free of SQLAlchemy so the command line can catch these cheaply."""


class DatabaseProblem(Exception):
    """The database cannot be opened as it is; the message says what to do."""


class NotRehabTrackDatabase(DatabaseProblem):
    pass


class NewerSchema(DatabaseProblem):
    pass
