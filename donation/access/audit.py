"""The audit log: every change appends an event, in the change's own transaction, chained by a keyed hash.

Each event's hash is an HMAC (keyed by the server secret) over the previous hash and the event's fields, so an event
edited, deleted or inserted behind the application's back breaks the chain, even for someone who can write SQL. The
newest events are anchored outside the database by signed checkpoints (`donation.access.audit_checkpoints`): deleting them
and moving the head back shows against the newest checkpoint.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import bindparam, insert, update
from sqlalchemy import select as core_select
from sqlmodel import Session, func, select

from db.config import ConfigError, secret_key
from db.models import AuditEvent, AuditHead
from db.uow import UnitOfWork
from donation.access import audit_checkpoints
from donation.access.actors import ADMIN, Actor, require_role
from donation.access.audit_checkpoints import Checkpoint, TamperedCheckpoint
from donation.common.dates import format_datetime_vn
from donation.common.errors import InvalidInput

GENESIS = "0" * 64
_HEAD = AuditHead.__table__
_HEAD_FIELDS = (_HEAD.c.seq, _HEAD.c.hash, _HEAD.c.key_fingerprint, _HEAD.c.digest_v2_from)
_BUMP_HEAD = update(_HEAD).where(_HEAD.c.id == 1).values(seq=_HEAD.c.seq + 1).returning(*_HEAD_FIELDS)
_SET_HEAD = update(_HEAD).where(_HEAD.c.id == 1).values(hash=bindparam("new_hash"),
                                                        key_fingerprint=bindparam("fingerprint"))
_READ_HEAD = core_select(*_HEAD_FIELDS).where(_HEAD.c.id == 1)
ANOTHER_KEY = "khóa bí mật (BHYT_SECRET_KEY) khác với khóa đã ghi nhật ký"
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
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@functools.cache
def _chain_key(secret: bytes) -> bytes:
    return hmac.new(secret, b"audit-chain", hashlib.sha256).digest()


@functools.cache
def _fingerprint(secret: bytes) -> str:
    return hmac.new(_chain_key(secret), b"fingerprint", hashlib.sha256).hexdigest()[:16]


def key_fingerprint() -> str:
    """16 hex digits that name the chain's key without revealing it: kept on the head and in each checkpoint."""
    return _fingerprint(secret_key())


def _digest(prev_hash: str, event: AuditEvent, *, v2: bool = True) -> str:
    key = _chain_key(secret_key())
    if v2:
        # A JSON array keeps NULL and "" apart, and no field's text can move the boundary between two fields.
        text = json.dumps(["v2", prev_hash, event.seq, _at_text(event.at), event.actor, event.action, event.entity,
                           event.entity_id, event.before, event.after], ensure_ascii=False, separators=(",", ":"))
    else:  # events written before digest v2: NULL and "" hash alike there, and stay as they were hashed
        text = "\x1f".join([prev_hash, str(event.seq), _at_text(event.at), event.actor, event.action, event.entity,
                            event.entity_id or "", event.before or "", event.after or ""])
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def record(session: Session, actor: Actor, action: str, entity: str, entity_id: object = None, *,
           before: dict | None = None, after: dict | None = None) -> int:
    """Append one event inside the unit of work that makes the change, before its commit; returns its number."""
    connection = session.connection()  # prepared Core statements: ORM bookkeeping per row is most of the cost
    # Bumping the head first takes its row lock (PostgreSQL) or the write lock (SQLite): appends never interleave.
    seq, prev_hash, fingerprint, v2_from = connection.execute(_BUMP_HEAD).one()
    mine = key_fingerprint()
    if fingerprint not in (None, mine):
        # Events keyed with another key could never be checked with the first: refuse the change instead.
        raise ConfigError(f"{ANOTHER_KEY} (ví dụ sau khi khôi phục bản sao lưu): đặt lại đúng khóa cũ; "
                          "chưa lưu được thay đổi nào")
    event = AuditEvent(seq=seq, at=datetime.now(UTC), actor=actor.username, action=action, entity=entity,
                       entity_id=None if entity_id is None else str(entity_id),
                       before=_canonical(_redact(before)), after=_canonical(_redact(after)), prev_hash=prev_hash)
    event.hash = _digest(prev_hash, event, v2=seq >= v2_from)
    connection.execute(_INSERT_EVENT, event.model_dump(exclude={"id"}))
    connection.execute(_SET_HEAD, {"new_hash": event.hash, "fingerprint": mine})
    return seq


@dataclass(frozen=True)
class ChainCheck:
    events: int
    ok: bool
    first_bad: int | None
    reason: str = ""
    seq: int = 0  # the head that was checked
    hash: str = GENESIS
    checkpoint: Checkpoint | None = None  # the newest checkpoint in force
    notes: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        """One sentence for a screen or a terminal; `notes` say what it does not cover."""
        if not self.ok:
            where = f" tại sự kiện {self.first_bad}" if self.first_bad is not None else ""
            return f"Nhật ký bị can thiệp{where}: {self.reason}."
        anchor = (f"; điểm kiểm tra mới nhất: sự kiện {self.checkpoint.seq} lúc "
                  f"{format_datetime_vn(self.checkpoint.at)}" if self.checkpoint else "")
        return f"Chuỗi băm nguyên vẹn: {self.events} sự kiện{anchor}."

    def as_dict(self) -> dict:
        return {"events": self.events, "ok": self.ok, "first_bad": self.first_bad, "reason": self.reason,
                "seq": self.seq, "checkpoint": self.checkpoint.as_dict() if self.checkpoint else None,
                "notes": list(self.notes)}


def verify(session: Session, *, folder: Path | None = None, anchored: bool = True) -> ChainCheck:
    """Walk the whole chain from the genesis hash and report the first event that does not follow from the one
    before; then (`anchored`) hold the chain against every signed checkpoint in `folder` (default: the setting)."""
    connection = session.connection()
    head = connection.execute(_READ_HEAD).one_or_none()
    if head is None:
        return ChainCheck(_count(session), False, None, "không có đầu chuỗi (bảng audit_head trống)")
    if head.key_fingerprint not in (None, key_fingerprint()):
        return ChainCheck(_count(session), False, None, ANOTHER_KEY, head.seq, head.hash)
    try:
        book = audit_checkpoints.read(folder) if anchored else []
    except TamperedCheckpoint as exc:
        return ChainCheck(_count(session), False, None, str(exc), head.seq, head.hash)
    mine = key_fingerprint()
    for mark in book:  # before the walk: with another key every event would look altered
        if mark.key != mine:
            return ChainCheck(_count(session), False, None, f"{ANOTHER_KEY} (điểm kiểm tra ở dòng {mark.line})",
                              head.seq, head.hash)
    wanted = {mark.seq for mark in book}
    seen: dict[int, tuple[int | None, str]] = {0: (None, GENESIS)}
    expected_seq, expected_prev, count = 1, GENESIS, 0
    first_bad: tuple[int, str] | None = None
    # Only up to the head read above: appends committed meanwhile are the next check's.
    for event in session.exec(select(AuditEvent).where(AuditEvent.seq <= head.seq)
                              .order_by(AuditEvent.seq, AuditEvent.id)):
        count += 1
        if first_bad is None:
            reason = _break_in(event, expected_seq, expected_prev, v2=event.seq >= head.digest_v2_from)
            if reason:
                first_bad = (event.id, reason)
        if event.seq in wanted:
            seen[event.seq] = (event.id, event.hash)
        expected_seq, expected_prev = event.seq + 1, event.hash
    if first_bad:
        return ChainCheck(count, False, *first_bad, head.seq, head.hash)
    if head.seq != expected_seq - 1 or head.hash != expected_prev:
        return ChainCheck(count, False, None, "sự kiện cuối cùng đã bị xóa hoặc đầu chuỗi bị sửa", head.seq, head.hash)
    beyond = connection.execute(core_select(func.min(AuditEvent.seq)).where(AuditEvent.seq > head.seq)).scalar()
    # A real append moves the head in the same commit, so an event past the head as read now was put there by hand.
    if beyond is not None and beyond > connection.execute(_READ_HEAD).one().seq:
        return ChainCheck(count, False, None, f"sự kiện {beyond} nằm sau đầu chuỗi", head.seq, head.hash)
    return _against_checkpoints(ChainCheck(count, True, None, "", head.seq, head.hash), book, seen) if anchored \
        else ChainCheck(count, True, None, "", head.seq, head.hash)


def _count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(AuditEvent)).one()


def _in_force(book: list[Checkpoint]) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints still binding, in file order, and notes on restores: a restore (a checkpoint marked
    `restored`) releases the earlier checkpoints past the head it left, since those events went with the restore."""
    kept, notes, floor = [], [], None
    for checkpoint in reversed(book):
        if checkpoint.restored:
            floor = checkpoint.seq if floor is None else min(floor, checkpoint.seq)
            notes.append(f"Khôi phục bản sao lưu lúc {format_datetime_vn(checkpoint.at)}: nhật ký tiếp tục từ sự kiện "
                         f"{checkpoint.seq}; các sự kiện sau đó của bản cũ không còn.")
        elif floor is not None and checkpoint.seq > floor:
            continue
        kept.append(checkpoint)
    return kept[::-1], notes[::-1]


def _against_checkpoints(chain: ChainCheck, book: list[Checkpoint], seen: dict[int, tuple[int | None, str]]
                         ) -> ChainCheck:
    kept, notes = _in_force(book)
    if not kept:
        return ChainCheck(**{**vars(chain), "notes": (
            "Chưa có điểm kiểm tra nào: các sự kiện cuối cùng có thể bị xóa mà không phát hiện được.",)})
    newest = kept[-1]

    def failed(reason: str, first_bad: int | None = None) -> ChainCheck:
        return ChainCheck(**{**vars(chain), "ok": False, "first_bad": first_bad, "reason": reason,
                             "checkpoint": newest, "notes": tuple(notes)})

    highest = max(kept, key=lambda c: c.seq)
    if highest.seq > chain.seq:
        return failed(f"điểm kiểm tra lúc {format_datetime_vn(highest.at)} ghi sự kiện {highest.seq} với mã băm "
                      f"{highest.hash[:audit_checkpoints.HASH_SHOWN]}…; cơ sở dữ liệu chỉ đến sự kiện {chain.seq}: "
                      "các sự kiện sau đó đã bị xóa")
    for checkpoint in kept:
        event_id, found = seen[checkpoint.seq]
        if found != checkpoint.hash:
            return failed(f"sự kiện {checkpoint.seq} khác với điểm kiểm tra lúc {format_datetime_vn(checkpoint.at)} "
                          f"(mã băm {checkpoint.hash[:audit_checkpoints.HASH_SHOWN]}…): nhật ký đã bị viết lại",
                          event_id)
    if chain.seq > newest.seq:
        notes.append(f"{chain.seq - newest.seq} sự kiện sau điểm kiểm tra mới nhất (sự kiện {newest.seq}, lúc "
                     f"{format_datetime_vn(newest.at)}) chưa được neo: nếu bị xóa sẽ không phát hiện được.")
    return ChainCheck(**{**vars(chain), "checkpoint": newest, "notes": tuple(notes)})


def write_checkpoint(actor: Actor, *, restored: bool = False, folder: Path | None = None,
               uow: UnitOfWork | None = None) -> Checkpoint:
    """Check the chain, then sign its head into the checkpoint file. `restored`: the head a restore left, which
    releases earlier checkpoints past it (their events went with the restore)."""
    require_role(actor, ADMIN)
    with uow or UnitOfWork() as work:
        check = verify(work.session, folder=folder, anchored=not restored)
    if not check.ok:
        raise InvalidInput(f"Không ghi điểm kiểm tra vì nhật ký không nguyên vẹn: {check.reason}")
    made = Checkpoint(check.seq, check.hash, datetime.now(UTC), key_fingerprint(), restored)
    audit_checkpoints.append(made, folder=folder)
    return made


def _break_in(event: AuditEvent, expected_seq: int, expected_prev: str, *, v2: bool) -> str | None:
    if event.seq != expected_seq:
        return "thiếu sự kiện trước sự kiện này" if event.seq > expected_seq else "số thứ tự bị trùng"
    if event.prev_hash != expected_prev:
        return "không nối với sự kiện trước"
    if not hmac.compare_digest(event.hash, _digest(event.prev_hash, event, v2=v2)):
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
    """The chain held against the checkpoints, for the administrator."""
    require_role(actor, ADMIN)
    with uow or UnitOfWork() as work:
        return verify(work.session)


def used_values(actor: Actor, *, uow: UnitOfWork | None = None) -> tuple[list[str], list[str]]:
    """The actions and the kinds of object the log holds, for the administrator's filters."""
    require_role(actor, ADMIN)
    with uow or UnitOfWork() as work:
        actions = list(work.session.exec(select(AuditEvent.action).distinct()))
        entities = list(work.session.exec(select(AuditEvent.entity).distinct()))
    return actions, entities
