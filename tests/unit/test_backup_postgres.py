"""PostgreSQL's backups are pg_dump's: the command refuses and says where the README shows how."""

import pytest

from donation.common.errors import InvalidInput
from donation.upkeep import backup


def test_postgres_refuses_with_the_readme_pointer(tmp_path):
    with pytest.raises(InvalidInput, match="pg_dump"):
        backup.backup(tmp_path / "x.dump", url="postgresql+psycopg://postgres@127.0.0.1:5432/x")
