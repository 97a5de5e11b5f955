"""The driver-level bulk insert stores exactly what a Core insert stores, on both databases."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import String, event, func, insert, inspect, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from db import migrate
from db.bulk import bulk_insert, foreign_keys_unchecked, index_built_after, insert_columns
from db.models import FundingLine, Person


def test_bulk_insert_matches_a_core_insert(engine):
    migrate.upgrade(engine)
    now = datetime(2026, 11, 25, 3, 0, 0, 123456, tzinfo=UTC)

    def rows(prefix):
        return [{"full_name": f"Người {i}", "name_key": f"nguoi {i}", "birth_date": date(1980, 1, 1 + i),
                 "birth_year_only": i % 2 == 0, "gender": "female", "national_id": f"{prefix}6618000{i:04d}",
                 "social_insurance_code": None} for i in range(20)]  # created_at left to its default

    with engine.begin() as connection:
        connection.execute(insert(Person.__table__), [{**row, "created_at": now} for row in rows(0)])
        bulk_insert(connection, Person.__table__, [{**row, "created_at": now} for row in rows(1)])
        bulk_insert(connection, Person.__table__, [])
    columns = (Person.full_name, Person.birth_date, Person.birth_year_only, Person.gender, Person.created_at)
    with engine.connect() as connection:
        core = connection.execute(select(*columns).where(Person.national_id.startswith("0")).order_by(Person.id))
        bulk = connection.execute(select(*columns).where(Person.national_id.startswith("1")).order_by(Person.id))
        assert list(core) == list(bulk)


def test_constants_written_into_the_statement_keep_quotes_percents_and_accents(engine):
    from sqlalchemy import func as sql_func

    from db.bulk import bulk_update, one_of

    migrate.upgrade(engine)
    tricky = "O'Brien 100% Nguyễn; --"
    with engine.begin() as connection:
        bulk_insert(connection, Person.__table__, [
            {"full_name": tricky, "name_key": tricky, "birth_date": date(1990, 1, 1), "birth_year_only": False,
             "gender": None, "national_id": f"0661900{i:05d}", "social_insurance_code": None} for i in range(5)])
        ids = list(connection.execute(select(Person.id).order_by(Person.id)).scalars())
        bulk_update(connection, Person.__table__, ["full_name"],
                    [{"id": ids[0], "full_name": "Đổi 50%"}, {"id": ids[1], "full_name": "It's"}])
        dialect = connection.dialect.name
        found = set(connection.execute(select(Person.national_id).where(
            one_of(Person.national_id, ["066190000003", "066190000004", "nope'"], dialect))).scalars())
        names = list(connection.execute(select(Person.full_name).order_by(Person.id)).scalars())
        nulls = connection.execute(select(sql_func.count()).where(Person.gender.is_(None))).scalar()
    assert names == ["Đổi 50%", "It's", tricky, tricky, tricky]
    assert found == {"066190000003", "066190000004"} and nulls == 5


def test_columns_inserted_in_slices_match_a_core_insert_and_read_back_as_numbers(engine):
    import numpy as np
    from sqlalchemy import Date, cast, null

    from db.bulk import day_number, epoch_seconds, fetch_batches, insert_columns, roomy_cache

    migrate.upgrade(engine)
    now = datetime(2026, 11, 25, 3, 0, 7, 900000, tzinfo=UTC)
    births = [date(1980, 1, 1 + i % 28) for i in range(230)]
    with engine.begin() as connection:
        connection.execute(insert(Person.__table__), [
            {"full_name": f"Người {i}", "name_key": f"nguoi {i}", "birth_date": births[i], "birth_year_only": False,
             "gender": None, "national_id": f"0{i:011d}", "social_insurance_code": None, "created_at": now}
            for i in range(230)])
        with roomy_cache(connection, megabytes=8):
            insert_columns(connection, Person.__table__, {
                "full_name": [f"Người {i}" for i in range(230)],
                "name_key": np.array([f"nguoi {i}" for i in range(230)]),
                "birth_date": births, "birth_year_only": False, "gender": None,
                "national_id": [f"1{i:011d}" for i in range(230)], "social_insurance_code": None, "created_at": now},
                230, slice_rows=150)  # slices of 150 and 80; 100 rows to a statement, then the rest
        insert_columns(connection, Person.__table__, {"full_name": []}, 0)
        batches = list(fetch_batches(connection, select(
            Person.national_id, day_number(Person.birth_date), day_number(cast(null(), Date)),
            epoch_seconds(Person.created_at)).order_by(Person.id), size=100))
    columns = (Person.full_name, Person.name_key, Person.birth_date, Person.birth_year_only, Person.created_at)
    with engine.connect() as connection:
        core = connection.execute(select(*columns).where(Person.national_id.startswith("0")).order_by(Person.id))
        sliced = connection.execute(select(*columns).where(Person.national_id.startswith("1")).order_by(Person.id))
        assert list(core) == list(sliced)
    assert [len(batch) for batch in batches] == [100, 100, 100, 100, 60] and type(batches[0][0]) is tuple
    rows = [row for batch in batches for row in batch]
    assert rows[0][1:] == (19800101, 0, int(now.timestamp())) and [rows[22][1], rows[234][1]] == [19800123, 19800105]


def test_ids_taken_beforehand_are_new_and_the_next_insert_follows_them(engine):
    from db.bulk import insert_columns, new_ids

    migrate.upgrade(engine)
    person = {"full_name": "Người", "name_key": "nguoi", "birth_date": date(1990, 1, 1), "birth_year_only": False,
              "gender": None, "social_insurance_code": None}
    with engine.begin() as connection:
        connection.execute(insert(Person.__table__), [{**person, "national_id": "066190000000"}])
        ids = new_ids(connection, Person.__table__, 3)
        insert_columns(connection, Person.__table__, {**person, "id": ids, "national_id": [
            f"06619000000{i}" for i in range(1, 4)]}, 3)
        connection.execute(insert(Person.__table__), [{**person, "national_id": "066190000009"}])
        stored = dict(connection.execute(select(Person.national_id, Person.id)).all())
    assert len(set(ids.tolist())) == 3 and [stored[f"06619000000{i}"] for i in range(1, 4)] == ids.tolist()
    assert stored["066190000009"] > max(ids.tolist()) > stored["066190000000"]


def _indexes(connection, table: str) -> set[str]:
    return {index["name"] for index in inspect(connection).get_indexes(table)}


def _statements(engine) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda conn, cursor, statement, *rest: seen.append(statement.strip()))
    return seen


def test_an_index_built_after_a_large_insert_is_there_afterwards_and_a_small_insert_keeps_it(engine):
    migrate.upgrade(engine)
    table = Person.__table__
    index = next(i for i in table.indexes if [c.name for c in i.columns] == ["name_key"])
    people = {"full_name": "Người", "birth_date": date(1980, 1, 1), "birth_year_only": False,
              "gender": None, "social_insurance_code": None}
    statements = _statements(engine)
    with engine.begin() as connection:  # 50 rows after 1: dropped for the block, built again after it
        insert_columns(connection, table, {**people, "national_id": ["700000000001"], "name_key": "nguoi dau"}, 1)
        with index_built_after(connection, index, 50):
            assert index.name not in _indexes(connection, "person") or engine.dialect.name == "postgresql"
            insert_columns(connection, table, {**people, "national_id": [f"{i:012d}" for i in range(50)],
                                                   "name_key": [f"nguoi {i}" for i in range(50)]}, 50)
        assert index.name in _indexes(connection, "person")
    dropped = [s for s in statements if s.startswith("DROP INDEX")]
    assert len(dropped) == (1 if engine.dialect.name == "sqlite" else 0)
    statements.clear()
    with engine.begin() as connection:  # 5 rows into 52: kept
        insert_columns(connection, table, {**people, "national_id": ["700000000002"], "name_key": "nguoi hai"}, 1)
        with index_built_after(connection, index, 5):
            insert_columns(connection, table, {**people, "national_id": [f"9{i:011d}" for i in range(5)],
                                                   "name_key": "nguoi moi"}, 5)
    assert not [s for s in statements if s.startswith(("DROP INDEX", "CREATE INDEX"))]
    statements.clear()
    with engine.begin() as connection:  # nothing written yet: no transaction on SQLite, so no drop
        with index_built_after(connection, index, 100):
            pass
    assert not [s for s in statements if s.startswith("DROP INDEX")]
    try:  # a failure inside the block: the rollback brings the index back
        with engine.begin() as connection:
            insert_columns(connection, table, {**people, "national_id": ["800000000001"], "name_key": "nguoi moi"}, 1)
            with index_built_after(connection, index, 100):
                raise RuntimeError("stop")
    except RuntimeError:
        pass
    assert len([s for s in statements if s.startswith("DROP INDEX")]) == (engine.dialect.name == "sqlite")
    with engine.connect() as connection:
        assert index.name in _indexes(connection, "person")
        assert len(connection.execute(select(Person.id).where(Person.name_key == "nguoi moi")).all()) == 5


def test_not_among_keeps_the_rows_outside_a_large_query_with_a_plan_that_does_not_rescan_it(engine):
    """On PostgreSQL with little `work_mem`, its own NOT IN rescans the query's rows for each outer row (a plain
    SubPlan: the control below); `not_among` is an anti-join there, and a temporary index on SQLite. A subquery
    inside the query that names the outer table stays uncorrelated (the nomination's cover in `holds._waiting`)."""
    from sqlalchemy import Column, Integer, MetaData, Table, func, text

    from db.bulk import not_among

    tables = MetaData()
    people = Table("bench_people", tables, Column("id", Integer, primary_key=True), Column("house", Integer))
    cover = Table("bench_cover", tables, Column("id", Integer, primary_key=True), Column("person", Integer))
    tables.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(people), [{"id": i, "house": i // 3} for i in range(1, 60_001)])
        connection.execute(insert(cover), [{"id": i, "person": i} for i in range(1, 60_001, 2)])
    covered = select(cover.c.person).where(cover.c.person.in_(select(people.c.id).where(people.c.house < 15_000)))
    query = select(func.count()).select_from(people).where(not_among(people.c.id, covered))
    control = select(func.count()).select_from(people).where(people.c.id.not_in(covered))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL work_mem = '64kB'"))
            connection.execute(text("ANALYZE bench_people"))
            connection.execute(text("ANALYZE bench_cover"))

            def plan(statement) -> str:
                compiled = statement.compile(connection, compile_kwargs={"literal_binds": True})
                return "\n".join(row[0] for row in connection.execute(text(f"EXPLAIN {compiled}")))

            assert "Anti Join" in plan(query) and "SubPlan" not in plan(query)
            assert "SubPlan" in plan(control) and "hashed" not in plan(control)  # what not_among avoids
        else:
            compiled = str(query.compile(connection))
            assert "NOT IN" in compiled and "EXISTS" not in compiled
        # people 1 to 44,999 are in houses below 15,000; of them the odd ones are covered: 22,500 left out
        assert connection.execute(query).scalar_one() == 60_000 - 22_500
        if engine.dialect.name == "sqlite":  # the control is the plan PostgreSQL must not run
            assert connection.execute(control).scalar_one() == 60_000 - 22_500


def test_a_large_bulk_write_refreshes_postgresql_statistics_and_a_small_one_does_not(engine):
    from sqlalchemy import text

    from db.bulk import ANALYZED_FROM

    migrate.upgrade(engine)
    person = {"full_name": "Người", "name_key": "nguoi", "birth_date": date(1990, 1, 1), "birth_year_only": False,
              "gender": None, "social_insurance_code": None}
    estimate = text("SELECT reltuples FROM pg_class WHERE oid = 'person'::regclass")  # this test's schema's
    with engine.begin() as connection:
        bulk_insert(connection, Person.__table__, [{**person, "national_id": f"0{i:011d}"} for i in range(100)])
        before = connection.execute(estimate).scalar_one() if engine.dialect.name == "postgresql" else None
        insert_columns(connection, Person.__table__, {**person, "national_id": [
            f"1{i:011d}" for i in range(ANALYZED_FROM)]}, ANALYZED_FROM)
        after = connection.execute(estimate).scalar_one() if engine.dialect.name == "postgresql" else None
        assert connection.execute(select(func.count()).select_from(Person)).scalar_one() == ANALYZED_FROM + 100
    if engine.dialect.name == "postgresql":
        assert before < 100 and after == ANALYZED_FROM + 100  # never analysed (-1) before; every row counted after


def test_not_among_statements_of_one_shape_share_a_cache_entry_and_keep_their_own_values(engine):
    """Cached like any clause: a second execution with other values reuses the compiled statement and returns its
    own rows; a query that names the outer table is not correlated with it, on either database."""
    from sqlalchemy import Column, Integer, MetaData, Table

    from db.bulk import not_among

    tables = MetaData()
    outer = Table("among_outer", tables, Column("id", Integer, primary_key=True), Column("tag", Integer))
    inner = Table("among_inner", tables, Column("id", Integer, primary_key=True), Column("outer_id", Integer),
                  Column("tag", Integer))
    tables.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(outer), [{"id": 1, "tag": 5}, {"id": 2, "tag": 7}, {"id": 3, "tag": 7}])
        connection.execute(insert(inner), [{"id": 1, "outer_id": 1, "tag": 7}, {"id": 2, "outer_id": 3, "tag": 9}])

    def left(tag: int) -> list[int]:
        query = select(outer.c.id).where(not_among(outer.c.id, select(inner.c.outer_id).where(inner.c.tag == tag)))
        with engine.connect() as connection:
            return list(connection.execute(query.order_by(outer.c.id)).scalars())

    assert left(7) == [2, 3] and left(9) == [1, 2] and left(1) == [1, 2, 3]
    key = select(outer.c.id).where(not_among(outer.c.id, select(inner.c.outer_id).where(inner.c.tag == 7)))
    other = select(outer.c.id).where(not_among(outer.c.id, select(inner.c.id).where(inner.c.tag == 7)))
    assert key._generate_cache_key() == select(outer.c.id).where(not_among(
        outer.c.id, select(inner.c.outer_id).where(inner.c.tag == 9)))._generate_cache_key()  # values aside
    assert key._generate_cache_key() != other._generate_cache_key()
    correlated = select(outer.c.id).where(not_among(outer.c.id, select(inner.c.outer_id).where(
        inner.c.tag == outer.c.tag)))  # uncorrelated: every pair of rows whose tags match, whichever outer row
    with engine.connect() as connection:
        assert list(connection.execute(correlated.order_by(outer.c.id)).scalars()) == [2, 3]


def test_foreign_keys_go_unchecked_for_one_sqlite_transaction_and_are_checked_again_back_in_the_pool(engine):
    """SQLite: a row without its parents goes in while unchecked (so the pragma took effect), asking after a write is
    refused, and the same driver connection, checked out again, refuses the row. PostgreSQL keeps checking."""
    migrate.upgrade(engine)
    orphan = insert(FundingLine.__table__).values(sponsorship_id=999_999, pledge_id=999_999, amount=1)
    with engine.connect() as connection:
        first = connection.connection.driver_connection
        if engine.dialect.name == "sqlite":
            with foreign_keys_unchecked(connection, checked_after=[]):
                connection.execute(orphan)
                with pytest.raises(RuntimeError, match="first write"), foreign_keys_unchecked(connection,
                                                                                             checked_after=[]):
                    pass
            # the block ends without a commit: the row is rolled back and the connection goes back to the pool
        else:
            with foreign_keys_unchecked(connection, checked_after=[]):
                with pytest.raises(IntegrityError):  # through COPY too, as SQLAlchemy's error
                    insert_columns(connection, FundingLine.__table__, {"sponsorship_id": [999_999],
                                                                       "pledge_id": 999_999, "amount": 1}, 1)
                connection.rollback()
                with pytest.raises(IntegrityError):
                    connection.execute(orphan)
    with engine.connect() as connection:
        assert connection.connection.driver_connection is first  # the pool's same connection, not a new one
        assert connection.execute(select(func.count()).select_from(FundingLine.__table__)).scalar_one() == 0
        with pytest.raises(IntegrityError):
            connection.execute(orphan)


def test_a_table_written_outside_the_bulk_path_is_checked_when_the_unchecked_block_ends(engine):
    """What the block writes besides its bulk rows, named in `checked_after`, is checked at its end: an orphan there
    fails the block (SQLite) or its own statement (PostgreSQL); a bulk row's orphan is the caller's to prevent."""
    migrate.upgrade(engine)
    orphan = insert(FundingLine.__table__).values(sponsorship_id=999_999, pledge_id=999_999, amount=1)
    with engine.connect() as connection, pytest.raises(IntegrityError, match="funding_line"):
        with foreign_keys_unchecked(connection, checked_after=[FundingLine.__table__]):
            connection.execute(orphan)


def test_each_row_updates_its_own_rows_with_values_that_vary_or_not_and_a_row_twice_is_refused(engine):
    """`update_each` on both databases (one statement over unnested arrays on PostgreSQL): a value that differs by
    row (NULL among them), one the same in every row, dates, an amount added to what a column holds, a condition
    that leaves a named row alone, values of two types; rows not named keep theirs."""
    from sqlalchemy import update

    from db.bulk import bulk_update, update_each

    migrate.upgrade(engine)
    table = Person.__table__
    with engine.begin() as connection:
        bulk_insert(connection, table, [
            {"full_name": f"Người {i}", "name_key": f"nguoi {i}", "birth_date": date(1990, 1, 1 + i),
             "birth_year_only": False, "gender": "male" if i == 3 else "female", "national_id": f"0661900{i:05d}",
             "social_insurance_code": None} for i in range(6)])
        ids = list(connection.execute(select(table.c.id).order_by(table.c.id)).scalars())
        update_each(connection, lambda row: update(table).where(table.c.id == row["row_id"], table.c.gender == "female")
                    .values(birth_date=row["born"], gender=row["gender"], full_name=table.c.full_name + row["suffix"]),
                    {"row_id": table.c.id, "born": table.c.birth_date, "gender": table.c.gender, "suffix": String()},
                    [{"row_id": ids[0], "born": date(2001, 2, 3), "gender": None, "suffix": " (đã sửa)"},
                     {"row_id": ids[2], "born": date(2002, 12, 31), "gender": "male", "suffix": " (đã sửa)"},
                     {"row_id": ids[3], "born": date(2003, 7, 4), "gender": None, "suffix": " (đã sửa)"}])
        update_each(connection, lambda row: update(table).where(table.c.id == row["row_id"]).values(gender="male"),
                    {"row_id": table.c.id}, [{"row_id": ids[4]}])  # one row: every value the same
        update_each(connection, lambda row: update(table).values(gender="male"), {"row_id": table.c.id}, [])
        bulk_update(connection, table, ["social_insurance_code"], [{"id": ids[5], "social_insurance_code": "66"},
                                                                   {"id": ids[1], "social_insurance_code": 7}])
        with pytest.raises(ValueError, match="twice"):
            bulk_update(connection, table, ["full_name"], [{"id": ids[1], "full_name": "A"},
                                                           {"id": ids[1], "full_name": "B"}])
        rows = connection.execute(select(table.c.full_name, table.c.birth_date, table.c.gender,
                                         table.c.social_insurance_code).order_by(table.c.id)).all()
    assert [tuple(row) for row in rows] == [
        ("Người 0 (đã sửa)", date(2001, 2, 3), None, None), ("Người 1", date(1990, 1, 2), "female", "7"),
        ("Người 2 (đã sửa)", date(2002, 12, 31), "male", None), ("Người 3", date(1990, 1, 4), "male", None),
        ("Người 4", date(1990, 1, 5), "male", None), ("Người 5", date(1990, 1, 6), "female", "66")]


def test_a_text_too_long_for_its_column_is_refused_or_kept_as_a_plain_update_does(engine):
    """PostgreSQL refuses a national id longer than its 12 characters, from a plain update and from `bulk_update`
    alike (an array cast to VARCHAR(12)[] would have cut it); SQLite keeps it, both ways."""
    from sqlalchemy import update

    from db.bulk import bulk_update

    migrate.upgrade(engine)
    table = Person.__table__
    long_id = "0" * 20

    def attempt(write) -> str:
        with engine.begin() as connection:
            bulk_insert(connection, table, [
                {"full_name": f"Người {i}", "name_key": f"nguoi {i}", "birth_date": date(1990, 1, 1),
                 "birth_year_only": False, "gender": None, "national_id": f"0661900{i:05d}",
                 "social_insurance_code": None} for i in range(2)])
            ids = list(connection.execute(select(table.c.id).order_by(table.c.id)).scalars())
            try:
                write(connection, ids)
            except DBAPIError:
                connection.rollback()
                return "refused"
            found = connection.execute(select(table.c.national_id).where(table.c.id == ids[0])).scalar_one()
            connection.rollback()
            return found

    plain = attempt(lambda c, ids: c.execute(update(table).where(table.c.id == ids[0]).values(national_id=long_id)))
    bulk = attempt(lambda c, ids: bulk_update(c, table, ["national_id"], [
        {"id": ids[0], "national_id": long_id}, {"id": ids[1], "national_id": "066190000099"}]))
    assert plain == bulk == ("refused" if engine.dialect.name == "postgresql" else long_id)
