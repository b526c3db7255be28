"""Many rows written with one statement (an import's weeks, readings and ratings).

SQLAlchemy's own executemany turns every row into a dict of bound values and runs each column's
converter on it in Python: on an import of ten years that costs about four times the database's own
work. ``insert_rows`` compiles the INSERT once for the connection's dialect (so the SQL and its
parameter style are the dialect's, SQLite or PostgreSQL alike), converts only the columns whose type
needs it (dates, times), and hands the driver plain tuples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.compiler import SQLCompiler

Rows = Iterable[Sequence[Any]]  # each row's values in the order of the columns named


@lru_cache(maxsize=64)
def _compiled(
    table: sa.Table, columns: tuple[str, ...], dialect: sa.Dialect
) -> tuple[SQLCompiler, list[tuple[int, Callable[[Any], Any]]]]:
    """The INSERT for the dialect and each column's converter, worked out once (a saved week inserts
    its readings and ratings this way: compiling each time was a fifth of the save)."""
    # for_executemany: no RETURNING of the new id (PostgreSQL would add one for a single-row INSERT)
    compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(columns), for_executemany=True)
    assert isinstance(compiled, SQLCompiler)
    converters: list[tuple[int, Callable[[Any], Any]]] = []
    for i, name in enumerate(columns):
        processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            converters.append((i, processor))
    return compiled, converters


def insert_rows(conn: sa.Connection, table: sa.Table, columns: Sequence[str], rows: Rows) -> None:
    """INSERT every row (values in ``columns`` order) into ``table`` in one executemany, inside the
    caller's transaction."""
    compiled, converters = _compiled(table, tuple(columns), conn.dialect)
    params: list[Any] = []  # tuples: the only sequence SQLAlchemy passes on as one row
    last: dict[int, tuple[Any, Any]] = {}  # column → (value, converted): a time stamp shared by all rows
    for row in rows:
        if converters:
            values = list(row)
            for i, convert in converters:
                value = values[i]
                done = last.get(i)
                if done is None or done[0] is not value:
                    done = last[i] = (value, convert(value))
                values[i] = done[1]
            row = values
        params.append(tuple(row))
    if not params:
        return
    if compiled.positional:
        order = [list(columns).index(name) for name in compiled.positiontup or ()]
        if order != list(range(len(columns))):
            params = [tuple(row[i] for i in order) for row in params]
    else:  # a named parameter style (psycopg's %(name)s): one dict per row
        names = list(compiled.binds)
        index = [list(columns).index(compiled.binds[name].key) for name in names]
        params = [dict(zip(names, (row[i] for i in index), strict=True)) for row in params]
    conn.exec_driver_sql(str(compiled), params)
