"""Unit of work: one transaction per user action; leaving the block without commit() rolls everything back."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session

from db.engine import get_engine


class UnitOfWork:
    def __init__(self, engine: Engine | None = None):
        self._engine = engine
        self.session: Session | None = None

    @property
    def engine(self) -> Engine:
        return self._engine or get_engine()

    def __enter__(self) -> UnitOfWork:
        self.session = Session(self.engine, expire_on_commit=False)
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()
