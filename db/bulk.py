"""Bulk writes for large imports: executemany through the driver, many rows to a statement, values prepared by
the columns' own types; and bulk reads that take the driver's rows as they come.

For 100,000 rows SQLAlchemy's per-row parameter handling costs about as much as SQLite's own work (2.6 s against
1.2 s measured here); this keeps its type conversions and drops the rest. Values are gathered column by column, so
each column's converter runs as one `map`. A value that is the same in every row (a batch timestamp, a status) is
converted once and, when it is a plain number or text, written into the statement itself: fewer parameters to bind
per row (a third of SQLite's time for a 16-column insert, measured here).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import repeat

import numpy as np
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Executable,
    Index,
    Integer,
    Select,
    String,
    Table,
    Update,
    any_,
    bindparam,
    cast,
    exists,
    func,
    insert,
    literal,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import REGCLASS
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import VARCHAR, TypeDecorator, TypeEngine


def _gathered(connection: Connection, types: Mapping[str, Column | TypeEngine], rows: Sequence[dict],
              defaults: Mapping[str, object]) -> dict[str, object]:
    """Each parameter's converted values (by its column's type, or the type given): one value when every row has
    the same, else the list of them."""
    dialect = connection.dialect
    gathered: dict[str, object] = {}
    for name, column in types.items():
        processor = _bind_processor(column.type if isinstance(column, Column) else column, dialect)
        if name not in rows[0]:
            value = defaults.get(name)
            gathered[name] = (processor(value) if processor else value,)
            continue
        values = [row[name] for row in rows]
        first = values[0]
        if all(value is first for value in values):
            gathered[name] = (processor(first) if processor else first,)
        else:
            gathered[name] = list(map(processor, values)) if processor else values
    return gathered


def _bind_processor(kind: TypeEngine, dialect) -> Callable | None:
    """The converter the dialect applies to a value bound for this type (None: the value goes as it is), through
    SQLAlchemy's public type API; asked once per column of a bulk call."""
    return kind.dialect_impl(dialect).bind_processor(dialect)


def _inline(value: object, connection: Connection) -> str | None:
    """A constant as SQL text when that is exact and safe (integers, quoted text, NULL); None when it must be bound."""
    if value is None:
        return "NULL"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and "%" not in value:  # a percent sign is escaped twice on PostgreSQL: bind it
        return String().literal_processor(connection.dialect)(value)
    return None


def bulk_insert(connection: Connection, table: Table, rows: Sequence[dict]) -> None:
    if not rows:
        return
    defaults = _defaults(table)
    names = list(rows[0]) + [name for name in defaults if name not in rows[0]]
    gathered = _gathered(connection, {name: table.c[name] for name in names}, rows, defaults)
    if connection.dialect.name == "postgresql":  # one COPY: 100,000 payments took a fifth of their INSERTs' time
        _copy(connection, table, names, [(gathered, len(rows))])
    else:
        _insert(connection, table, gathered, len(rows))
    _analyzed(connection, table, len(rows))


def insert_columns(connection: Connection, table: Table, columns: Mapping[str, object], count: int,
                   slice_rows: int = 50_000) -> None:
    """Insert `count` rows given column by column: a list or numpy array holds one value per row (an array of one
    value throughout counts as that value), any other value is the same for every row. No dictionary per row is
    built, and rows go in slices: only one slice's values are Python objects at a time (a million rows of a dozen
    columns would take several hundred MB at once). A column's converter runs once per distinct value of a slice
    (a date column holds a few hundred dates). PostgreSQL takes each slice through COPY (`_copy`)."""
    defaults = _defaults(table)
    columns = {name: value[:1].tolist()[0] if isinstance(value, np.ndarray) and len(value) and (value == value[0]).all()
               else value for name, value in columns.items()}
    names = [*columns, *(name for name in defaults if name not in columns)]
    processors = {name: _bind_processor(table.c[name].type, connection.dialect) for name in names}
    slices = _slices(columns, defaults, names, processors, count, slice_rows)
    if connection.dialect.name == "postgresql":
        _copy(connection, table, names, ((gathered, min(slice_rows, count - start)) for start, gathered in slices))
    else:
        compiled_for: dict = {}
        for start, gathered in slices:
            _insert(connection, table, gathered, min(slice_rows, count - start), compiled_for)
    _analyzed(connection, table, count)


def _slices(columns: Mapping[str, object], defaults: Mapping[str, object], names: list[str],
            processors: Mapping[str, Callable | None], count: int, slice_rows: int
            ) -> Iterator[tuple[int, dict[str, object]]]:
    """`insert_columns`' rows a slice at a time: (the slice's first row, its values gathered as for `_insert`)."""
    for start in range(0, count, slice_rows):
        gathered: dict[str, object] = {}
        for name in names:
            value, processor = columns[name] if name in columns else defaults[name], processors[name]
            if isinstance(value, np.ndarray):  # numbers without a converter stay an array: `_insert` takes it in C
                value = value[start:start + slice_rows]
                if processor or value.dtype == object:
                    value = value.tolist()
            elif isinstance(value, list):
                value = value[start:start + slice_rows]
            else:
                gathered[name] = (processor(value) if processor else value,)
                continue
            if processor:
                converted = {distinct: processor(distinct) for distinct in set(value)}
                value = list(map(converted.__getitem__, value))
            gathered[name] = value
        yield start, gathered


def _copy(connection: Connection, table: Table, names: Sequence[str],
          slices: Iterable[tuple[Mapping[str, object], int]]) -> None:
    """PostgreSQL: the rows of every slice (its values gathered, its number of rows) through one COPY, in the
    transaction of `connection`. A million sponsorships took about a third less than as many-row INSERTs (measured
    here). One statement, however many slices: the table's statement-level triggers (the live-sponsorship guard,
    migration 0020) run once, over all the rows. COPY reads each value's text as the column's type, which is what an
    INSERT does for integers, text, dates and NULLs (what allocation writes), not for floats into integers or times
    with a zone into times without one. An error comes as SQLAlchemy's; like an INSERT's, the server's message may
    quote the row it failed on."""
    preparer = connection.dialect.identifier_preparer
    sql = (f"COPY {preparer.format_table(table)} ({', '.join(preparer.quote(name) for name in names)}) "
           "FROM STDIN")
    if not connection.in_transaction():  # begun as a statement would begin it: SQLAlchemy does not see the COPY
        connection.begin()
    dbapi = connection.dialect.loaded_dbapi
    try:
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
            for gathered, count in slices:
                columns = [[value[0]] * count if isinstance(value, tuple) else
                           value.tolist() if isinstance(value, np.ndarray) else value
                           for value in (gathered[name] for name in names)]
                for row in zip(*columns, strict=True):
                    copy.write_row(row)
    except dbapi.Error as error:
        raise DBAPIError.instance(sql, None, error, dbapi.Error, hide_parameters=True,
                                  dialect=connection.dialect) from error


ANALYZED_FROM = 10_000  # rows written by one bulk call, from which PostgreSQL's statistics are refreshed at once


def _analyzed(connection: Connection, table: Table, count: int) -> None:
    """After a large write on PostgreSQL, the table's statistics at once (inside the transaction: its own rows
    count). Otherwise the planner goes on estimating from before the write until autovacuum's next pass, and for
    a table it thinks nearly empty it may loop over the rows of another for every row of it: the households a
    national pledge may hold, read right after a 300,000-need allocation, ran for more than 5 minutes instead of
    about a second (measured here)."""
    if count >= ANALYZED_FROM and connection.dialect.name == "postgresql":
        # SKIP_LOCKED: a concurrent writer's ANALYZE of the table would otherwise hold this one until it commits
        name = connection.dialect.identifier_preparer.format_table(table)
        connection.exec_driver_sql(f"ANALYZE (SKIP_LOCKED) {name}")


def new_ids(connection: Connection, table: Table, count: int) -> np.ndarray:
    """Ids for `count` rows about to go into `table` (its integer primary key `id`), taken now so that the rows need
    not be read back. PostgreSQL: from the column's sequence. SQLite: after the largest, which is safe once the
    transaction has written something: it then holds SQLite's one write lock until it ends."""
    if connection.dialect.name == "postgresql":
        # the sequence found once: looked up in every row, its name took 2.25 s of 2.6 s for a million ids
        sequence = connection.execute(select(func.pg_get_serial_sequence(table.name, "id"))).scalar_one()
        numbers = select(func.nextval(cast(literal(sequence), REGCLASS))).select_from(func.generate_series(1, count))
        return np.concatenate([np.zeros(0, dtype=np.int64), *(np.array(batch, dtype=np.int64).reshape(-1)
                                                             for batch in fetch_batches(connection, numbers))])
    largest = connection.execute(select(func.max(table.c.id))).scalar_one() or 0
    return np.arange(largest + 1, largest + 1 + count, dtype=np.int64)


@contextmanager
def foreign_keys_unchecked(connection: Connection, *, checked_after: Sequence[Table]) -> Iterator[None]:
    """The one place where rows go in without per-row foreign-key checks: a SQLite transaction that writes many rows
    through `insert_columns`, taking SQLite's write lock before it reads the parents of what it writes, in a platform
    that deletes no rows, so that they cannot go away. A million sponsorships and their lines took 1.1 to 1.4 s less
    (of 2.9 s) without the checks, and the whole 1,000,000-need allocation 18 to 19 s against 24 s with them (one
    session on this machine, bench/RESULTS.md).

    SQLite's pragma takes effect only before a transaction's first write, so the block must begin the transaction;
    the connection checks again once it goes back to the pool (`db.engine`). Every other table the block writes rows
    of with foreign keys is named in `checked_after` and checked whole (`PRAGMA foreign_key_check`) at the block's
    end: a row without its parent fails the block as the per-row check would have. PostgreSQL: nothing changes."""
    if connection.dialect.name != "sqlite":
        yield
        return
    if connection.connection.driver_connection.in_transaction:
        raise RuntimeError("foreign keys can only be left unchecked before the transaction's first write")
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    yield
    for table in checked_after:
        orphan = connection.exec_driver_sql(f'PRAGMA foreign_key_check("{table.name}")').first()
        if orphan is not None:
            raise IntegrityError(f"PRAGMA foreign_key_check({table.name})", None, sqlite3.IntegrityError(
                f"FOREIGN KEY constraint failed: {table.name} row {orphan[1]} has no {orphan[2]}"))


@contextmanager
def roomy_cache(connection: Connection, megabytes: int) -> Iterator[None]:
    """On SQLite, a page cache of `megabytes` for the block, then the one before. SQLite's default of 2 MB makes
    a million rows' index entries and foreign-key lookups go to the file again and again (a fifth of the time of
    writing a million funding lines, measured here). PostgreSQL: nothing to do."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
    connection.exec_driver_sql(f"PRAGMA cache_size = {-int(megabytes) * 1024}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {before}")


@contextmanager
def index_built_after(connection: Connection, index: Index, adding: int) -> Iterator[None]:
    """On SQLite, when the block adds `adding` rows, at least half as many as the table has, in an order far from
    the index's: the index is dropped for the block and built again after it, in the same transaction (SQLite sorts
    to build it; a rollback brings the old one back), once the transaction has begun. A million funding lines in sponsorship order took 5.4 s with
    their pledge index kept and 2.5 s with it built after (measured here); for a few lines into a large table,
    building it again would cost more. The table's rows are counted by its largest id (at least their number, read
    at once). PostgreSQL: nothing (dropping an index locks its table against
    readers until the transaction ends)."""
    if connection.dialect.name != "sqlite" or not _many(connection, index.table, adding):
        yield
        return
    index.drop(connection)
    yield
    index.create(connection)


@contextmanager
def guards_rebuilt_after(connection: Connection, table: Table, names: Sequence[str], adding: int,
                         broken: Executable) -> Iterator[None]:
    """On SQLite, when the block adds many rows (as for `index_built_after`): the table's hand-written guards named
    (triggers, and the partial indexes they read) are dropped for the block and made again from their stored SQL after
    it, in the same transaction, and `broken` (a query of the rows that break the guards' rule) must then find none,
    or the block fails as the trigger would have, with its name. A trigger costs each row a small program of its own:
    300,000 sponsorships took 4 s more with it on a busy machine, measured here; the check after is one statement.
    PostgreSQL: nothing (its guard runs once per statement already, migration 0020)."""
    if connection.dialect.name != "sqlite" or not _many(connection, table, adding):
        yield
        return
    marks = ", ".join("?" * len(names))
    stored = connection.exec_driver_sql(  # indexes first when made again: the triggers read them
        f"SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND name IN ({marks}) "
        "ORDER BY type = 'trigger'", (table.name, *names)).all()
    for kind, name, _ in stored:
        connection.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
    yield
    for _, _, sql in stored:
        connection.exec_driver_sql(sql)
    if connection.execute(broken).first() is not None:
        raise IntegrityError(str(broken), None, sqlite3.IntegrityError(f"{names[0]}: rows written break the guard"))


def _many(connection: Connection, table: Table, adding: int) -> bool:
    """Inside a transaction (SQLite's driver begins one at the first write: a drop outside it would be final at
    once), whether `adding` rows are at least half as many as the table has (counted by its largest id)."""
    if not adding or not connection.connection.driver_connection.in_transaction:
        return False
    return adding * 2 >= (connection.execute(select(func.max(table.c.id))).scalar_one() or 0)


def _defaults(table: Table) -> dict[str, object]:
    """Columns the rows leave out take their default, evaluated once for the batch (a timestamp, say)."""
    return {c.name: c.default.arg if c.default.is_scalar else c.default.arg(None)
            for c in table.c if c.default is not None and (c.default.is_scalar or c.default.is_callable)}


def _insert(connection: Connection, table: Table, gathered: Mapping[str, object], count: int,
            compiled_for: dict | None = None) -> None:
    """Rows go many to a statement (`_rows_per_statement`, within the driver's parameter limit): SQLite runs one
    statement of 75 rows about twice as fast as 75 statements of one (measured here for a million sponsorships).
    `compiled_for` keeps the statements compiled for one batch's slices (as long to compile as to run a slice)."""
    compiled_for = {} if compiled_for is None else compiled_for
    literal, bound = {}, []
    for name, found in gathered.items():
        text = _inline(found[0], connection) if isinstance(found, tuple) else None
        if text is None:
            bound.append(name)
        else:
            literal[name] = literal_column(text)
    per = max(1, min(_rows_per_statement(connection), _parameter_limit(connection) // max(1, len(bound)), count))
    full = count // per * per
    # the rows left over go one to a statement: compiling one more long statement would cost more than they save
    for start, stop, size in ((0, full, per), (full, count, 1)):
        if start == stop:
            continue
        key = (size, tuple(bound), tuple((name, str(value)) for name, value in literal.items()))
        if key not in compiled_for:
            compiled_for[key] = insert(table).values([{**literal, **{name: bindparam(f"{name}__{i}") for name in bound}}
                                                      for i in range(size)]).compile(dialect=connection.dialect)
        compiled = compiled_for[key]
        order = list(compiled.positiontup) if compiled.positional else list(compiled.params)
        names = [key.rsplit("__", 1)[0] for key in order[:len(bound)]]  # one row's, in the statement's order
        if order != [f"{name}__{i}" for i in range(size) for name in names]:  # rows must follow one another
            raise AssertionError(f"unexpected order of parameters inserting into {table.name}")
        parameters = _statement_parameters(gathered, names, start, stop, size)
        if not compiled.positional:
            parameters = [dict(zip(order, values, strict=True)) for values in parameters]
        connection.exec_driver_sql(str(compiled), parameters)


def _rows_per_statement(connection: Connection) -> int:
    """SQLite: 400 rows, its CPU time per row some 5% below that of 75-row statements (a million sponsorships and
    their lines, measured here); elsewhere 100, as before."""
    return 400 if connection.dialect.name == "sqlite" else 100


def _parameter_limit(connection: Connection) -> int:
    """How many parameters one statement may bind: SQLite's own limit (999 on builds older than 3.32), else 999."""
    driver = connection.connection.driver_connection
    if connection.dialect.name == "sqlite" and hasattr(driver, "getlimit"):  # Python 3.11+
        return driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return 999


def _statement_parameters(gathered: Mapping[str, object], names: list[str], start: int, stop: int, size: int
                          ) -> list[tuple]:
    """The parameters of rows `start` to `stop`, `size` rows to a statement, row after row in `names` order: laid
    out in a numpy table of objects and cut into statements in C (zipping the rows in Python took twice as long)."""
    if not names:  # every value written into the statement
        return [()] * ((stop - start) // size)
    table = np.empty((stop - start, len(names)), dtype=object)
    for column, name in enumerate(names):
        value = gathered[name]
        if isinstance(value, tuple):
            table[:, column].fill(value[0])  # fill, not assign: a value that is a list stays one value
        elif isinstance(value, np.ndarray):
            table[:, column] = value[start:stop]
        else:
            table[:, column] = np.fromiter(value[start:stop], dtype=object, count=stop - start)
    return list(map(tuple, table.reshape(-1, size * len(names)).tolist()))  # SQLAlchemy takes tuples only


def bulk_update(connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[dict]) -> None:
    """Set `columns` of each row found by its primary key `id` (each row's "id" key; no id twice)."""
    if len({row["id"] for row in rows}) < len(rows):
        raise ValueError(f"a row of {table.name} given twice")
    types = {**{name: table.c[name] for name in columns}, "row_id": table.c.id}
    update_each(connection, lambda row: update(table).where(table.c.id == row["row_id"]).values(
        {name: row[name] for name in columns}), types,
        [{**{name: row[name] for name in columns}, "row_id": row["id"]} for row in rows])


def update_each(connection: Connection, build: Callable[[Mapping[str, ColumnElement]], Update],
                types: Mapping[str, Column | TypeEngine], rows: Sequence[dict]) -> None:
    """Run the update `build(row)` for each row (a dict of values by the names of `types`, each converted by the
    column or type named for it); `build` gets the values as SQL expressions. Each row must find other table rows
    than the others do. SQLite: one executemany of it (`bulk_execute`). PostgreSQL: one statement, the rows
    unnested from one array per name (a value the same in every row, of one type, bound once): an executemany
    there took 3.5 s for 64,000 pledges an allocation had used (measured here). A name whose values are of two
    Python types (psycopg makes no array of them) goes back to the executemany."""
    if not rows:
        return
    columns = {name: [row[name] for row in rows] for name in types}
    if connection.dialect.name != "postgresql" or any(
            len({type(value) for value in column if value is not None}) > 1 for column in columns.values()):
        bulk_execute(connection, build({name: bindparam(name) for name in types}), types, rows)
        return
    values: dict[str, ColumnElement] = {}
    arrays = []
    for name, column in columns.items():
        kind = types[name].type if isinstance(types[name], Column) else types[name]
        first = column[0]
        if all(type(value) is type(first) and value == first for value in column):
            values[name] = bindparam(f"{name}_all", first, type_=kind)
        else:
            arrays.append(func.unnest(bindparam(f"{name}_each", column, type_=ARRAY(_unbounded(kind)))).label(name))
    if arrays:
        each = select(*arrays).subquery("each_row")
        values.update({name: each.c[name] for name in each.c.keys()})
    connection.execute(build(values))


def _unbounded(kind: TypeEngine) -> TypeEngine:
    """Text without its length (the array is cast to its type, and a cast to VARCHAR(n) cuts a longer text where
    setting the column refuses it); any other type as it is. SQLModel's text is a decorator over String that
    converts nothing."""
    plain = kind.impl if isinstance(kind, TypeDecorator) and (
        type(kind).process_bind_param is TypeDecorator.process_bind_param) else kind
    if type(plain) in (String, VARCHAR) and plain.length is not None:
        return String()
    return kind


def bulk_execute(connection: Connection, statement, types: Mapping[str, Column | TypeEngine],
                 rows: Sequence[dict]) -> None:
    """Run `statement` once for each row (a dict of its bound parameters) in one executemany; each parameter is
    converted by the column or type `types` names for it. Values the statement holds itself (a status it sets)
    are bound as they are, the same for every row."""
    if not rows:
        return
    compiled = statement.compile(dialect=connection.dialect)
    fixed = {name: compiled.binds[name] for name in compiled.params if name not in types}
    gathered = _gathered(connection, {**types, **{name: bind.type for name, bind in fixed.items()}}, rows,
                         {name: bind.value for name, bind in fixed.items()})
    _execute(connection, compiled, gathered, len(rows))


def _execute(connection: Connection, compiled, gathered: Mapping[str, object], count: int) -> None:
    order = list(compiled.positiontup) if compiled.positional else list(compiled.params)
    columns = [repeat(gathered[name][0], count) if isinstance(gathered[name], tuple) else gathered[name]
               for name in order]
    parameters: list = list(zip(*columns, strict=True))
    if not compiled.positional:
        parameters = [dict(zip(order, row, strict=True)) for row in parameters]
    connection.exec_driver_sql(str(compiled), parameters)


def one_of(column: Column, values: Sequence[str] | Sequence[int], dialect_name: str):
    """`column IN (values)` for thousands of strings or integers as one parameter (a JSON array on SQLite, an array
    on PostgreSQL): SQLAlchemy's expanding IN handles each value in Python, which costs more than the lookups."""
    if dialect_name == "postgresql":
        kind = Integer() if all(isinstance(value, int) for value in values) else String()
        return column == any_(bindparam(None, list(values), type_=ARRAY(kind)))
    return column.in_(select(literal_column("value")).select_from(func.json_each(json.dumps(list(values)))))


class not_among(FunctionElement):  # noqa: N801  (used like an operator)
    """`value NOT IN (query)` for a non-null value and a query of one non-null column that may give many rows.
    SQLite runs it as written: the query's rows become a temporary index, once. PostgreSQL gets `NOT EXISTS` over
    the query as a derived table, which it plans as an anti-join: its own `NOT IN` is hashed only while the rows fit
    in `work_mem`, and beyond that scans them again for every outer row (a plan of 12.5 billion cost units for a
    million nominations against 970,000 sponsorships with the default 4 MB, measured here).

    A SQL function element of two arguments (the value, the query as a scalar subquery), compiled here: SQLAlchemy's
    public way for a construct of its own, so that both arguments are in the statement's cache key as any
    function's are."""

    type = Boolean()
    inherit_cache = True

    def __init__(self, value: ColumnElement, query: Select) -> None:
        # uncorrelated on both databases: a derived table on PostgreSQL could not see the outer query anyway
        super().__init__(value, query.correlate(None).scalar_subquery())

    def self_group(self, against=None) -> not_among:
        return self  # a condition of its own, never `(… NOT IN …) = 1`


def _among_parts(element: not_among) -> tuple[ColumnElement, Select]:
    value, rows = element.clauses
    return value, rows.element


@compiles(not_among)
def _not_among(element, compiler, **kw):
    value, query = _among_parts(element)
    return compiler.process(value.not_in(query), **kw)


@compiles(not_among, "postgresql")
def _not_among_postgresql(element, compiler, **kw):
    value, query = _among_parts(element)
    rows = query.subquery()  # a derived table: nothing inside it is correlated with the outer query
    return compiler.process(~exists().where(next(iter(rows.c)) == value), **kw)


def fetch_batches(connection: Connection, statement, size: int = 100_000) -> Iterator[list[tuple]]:
    """The statement's rows as the driver gives them, in batches: plain tuples, without SQLAlchemy's row objects and
    result conversions (a third of the time of reading a million rows, measured here). Select values the driver
    gives as they are meant (numbers, text): `epoch_seconds` and `day_number` turn times and dates into numbers."""
    result = connection.execute(statement)
    try:
        while batch := result.cursor.fetchmany(size):
            yield batch
    finally:
        result.close()


class epoch_seconds(FunctionElement):  # noqa: N801  (used like a SQL function)
    """A timestamp as whole seconds since 1970 (UTC for a naive timestamp), in SQL."""

    type = BigInteger()
    inherit_cache = True


class day_number(FunctionElement):  # noqa: N801
    """A date as the number yyyymmdd (0 when NULL), in SQL: dates compare as the numbers do, and a year of age is
    10,000 of them."""

    type = Integer()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_seconds_sqlite(element, compiler, **kw):
    value = compiler.process(element.clauses, **kw)
    if sqlite3.sqlite_version_info >= (3, 38):  # unixepoch: the same whole seconds, a sixth faster for a million rows
        return f"unixepoch({value})"
    return f"CAST(strftime('%s', {value}) AS INTEGER)"


@compiles(epoch_seconds, "postgresql")
def _epoch_seconds_postgresql(element, compiler, **kw):
    return f"CAST(floor(extract(epoch FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element, compiler, **kw):
    # SQLite keeps a date as its ISO text; cutting the dashes is much cheaper than strftime.
    return f"coalesce(CAST(replace({compiler.process(element.clauses, **kw)}, '-', '') AS INTEGER), 0)"


@compiles(day_number, "postgresql")
def _day_number_postgresql(element, compiler, **kw):
    return f"coalesce(CAST(to_char({compiler.process(element.clauses, **kw)}, 'YYYYMMDD') AS INTEGER), 0)"
