"""The audit log: every change appends an event, in the change's own transaction, chained by a keyed hash.

Each event's hash is an HMAC (keyed by the server secret) over the previous hash and the event's fields, so an event
edited, deleted or inserted behind the application's back breaks the chain, even for someone who can write SQL.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, func, select

from db.config import secret_key
from db.models import AuditEvent, AuditHead
from db.uow import UnitOfWork
from donation.actors import ADMIN, Actor, require_role

GENESIS = "0" * 64
_HEAD = AuditHead.__table__
_BUMP_HEAD = update(_HEAD).where(_HEAD.c.id == 1).values(seq=_HEAD.c.seq + 1).returning(_HEAD.c.seq, _HEAD.c.hash)
_SET_HEAD_HASH = update(_HEAD).where(_HEAD.c.id == 1).values(hash=bindparam("new_hash"))
_INSERT_EVENT = insert(AuditEvent.__table__)
# Keys whose values are personal identifiers or secrets: never stored in an event as they are.
PERSONAL_KEYS = frozenset({
    "national_id", "cmnd", "social_insurance_code", "card_code", "birth_date", "phone", "email", "ethnicity",
    "disability", "chronic_illness", "health", "need_flags", "password", "password_hash", "token", "token_hash",
})


def mask(value: object) -> str:
    """Keep only enough to tell two values apart in a review: '••••••••0123'."""
    text = str(value)
    return "•" * max(len(text) - 4, 0) + text[-4:] if len(text) > 4 else "•" * len(text)


# Facts about health, ethnicity and birth, and secrets: not even a tail of them is kept.
HIDDEN_KEYS = frozenset({"birth_date", "ethnicity", "disability", "chronic_illness", "health", "need_flags",
                         "password", "password_hash", "token", "token_hash"})


def _redact(data: dict | None) -> dict | None:
    if data is None:
        return None
    return {key: ("•••" if key in HIDDEN_KEYS else mask(value)) if key in PERSONAL_KEYS and value not in (None, "")
            else _plain(value) for key, value in data.items()}


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return _redact(value)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)  # dates, decimals, enums


def _canonical(data: dict | None) -> str | None:
    return None if data is None else json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _at_text(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@functools.cache
def _chain_key(secret: bytes) -> bytes:
    return hmac.new(secret, b"audit-chain", hashlib.sha256).digest()


def _digest(prev_hash: str, event: AuditEvent) -> str:
    key = _chain_key(secret_key())
    fields = [prev_hash, str(event.seq), _at_text(event.at), event.actor, event.action, event.entity,
              event.entity_id or "", event.before or "", event.after or ""]
    return hmac.new(key, "\x1f".join(fields).encode(), hashlib.sha256).hexdigest()


def record(session: Session, actor: Actor, action: str, entity: str, entity_id: object = None, *,
           before: dict | None = None, after: dict | None = None) -> int:
    """Append one event inside the unit of work that makes the change, before its commit; returns its number."""
    connection = session.connection()  # prepared Core statements: ORM bookkeeping per row is most of the cost
    # Bumping the head first takes its row lock (PostgreSQL) or the write lock (SQLite): appends never interleave.
    seq, prev_hash = connection.execute(_BUMP_HEAD).one()
    event = AuditEvent(seq=seq, at=datetime.now(UTC), actor=actor.username, action=action, entity=entity,
                       entity_id=None if entity_id is None else str(entity_id),
                       before=_canonical(_redact(before)), after=_canonical(_redact(after)), prev_hash=prev_hash)
    event.hash = _digest(prev_hash, event)
    connection.execute(_INSERT_EVENT, event.model_dump(exclude={"id"}))
    connection.execute(_SET_HEAD_HASH, {"new_hash": event.hash})
    return seq


@dataclass(frozen=True)
class ChainCheck:
    events: int
    ok: bool
    first_bad: int | None
    reason: str = ""

    def as_dict(self) -> dict:
        return {"events": self.events, "ok": self.ok, "first_bad": self.first_bad, "reason": self.reason}


def verify(session: Session) -> ChainCheck:
    """Walk the whole chain from the genesis hash; report the first event that does not follow from the one before."""
    expected_seq, expected_prev, count = 1, GENESIS, 0
    first_bad: tuple[int, str] | None = None
    for event in session.exec(select(AuditEvent).order_by(AuditEvent.seq, AuditEvent.id)):
        count += 1
        if first_bad is None:
            reason = _break_in(event, expected_seq, expected_prev)
            if reason:
                first_bad = (event.id, reason)
        expected_seq, expected_prev = event.seq + 1, event.hash
    if first_bad:
        return ChainCheck(count, False, *first_bad)
    head = session.get(AuditHead, 1)
    if head is None or head.seq != expected_seq - 1 or head.hash != expected_prev:
        return ChainCheck(count, False, None, "sự kiện cuối cùng đã bị xóa hoặc đầu chuỗi bị sửa")
    return ChainCheck(count, True, None)


def _break_in(event: AuditEvent, expected_seq: int, expected_prev: str) -> str | None:
    if event.seq != expected_seq:
        return "thiếu sự kiện trước sự kiện này" if event.seq > expected_seq else "số thứ tự bị trùng"
    if event.prev_hash != expected_prev:
        return "không nối với sự kiện trước"
    if not hmac.compare_digest(event.hash, _digest(event.prev_hash, event)):
        return "nội dung đã bị sửa"
    return None


@dataclass(frozen=True)
class EventRow:
    id: int
    seq: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    before: str | None
    after: str | None


def list_events(session: Session, *, by: str | None = None, action: str | None = None,
                entity: str | None = None, since: datetime | None = None, until: datetime | None = None,
                limit: int = 50, offset: int = 0) -> tuple[list[EventRow], int]:
    """A page of events, newest first, and how many match the filters in all."""
    query = select(AuditEvent)
    if by:
        query = query.where(AuditEvent.actor == by)
    if action:
        query = query.where(AuditEvent.action == action)
    if entity:
        query = query.where(AuditEvent.entity == entity)
    if since:
        query = query.where(AuditEvent.at >= since)
    if until:
        query = query.where(AuditEvent.at < until)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(AuditEvent.seq.desc()).offset(offset).limit(limit))
    return [EventRow(e.id, e.seq, e.at, e.actor, e.action, e.entity, e.entity_id, e.before, e.after)
            for e in rows], total


def browse(actor: Actor, *, uow: UnitOfWork | None = None, **filters) -> tuple[list[EventRow], int]:
    """The administrator's view of the log (filters as list_events)."""
    require_role(actor, ADMIN)
    with uow or UnitOfWork() as work:
        return list_events(work.session, **filters)


def check_chain(actor: Actor, *, uow: UnitOfWork | None = None) -> ChainCheck:
    require_role(actor, ADMIN)
    with uow or UnitOfWork() as work:
        return verify(work.session)
