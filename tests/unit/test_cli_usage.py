"""`python -m cli` refuses a bad database URL or bad usage in one Vietnamese line, before any database."""

import pytest

from tests.cli import cli_process


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://root@localhost/test", "lược đồ 'mysql' không được hỗ trợ"),
        ("not a url", "không có dạng lược_đồ"),
        ("postgresql+psycopg://postgres@127.0.0.1:1/test", "Không kết nối được PostgreSQL"),
    ],
)
def test_bad_database_url_is_one_line(url, message):
    result = cli_process("init", "--json", env={"DATABASE_URL": url})
    assert result.returncode != 0 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_usage_errors_are_one_line():
    result = cli_process("quote", "--group", "household", "--members", "nhiều", "--on", "2025-09-01")
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "--members" in result.stderr
