"""Administrative units: load the 34 provinces and 3,321 communes from vietnam-provinces, and look them up."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert
from sqlmodel import Session, func, select
from vietnam_provinces import Province as VnProvince
from vietnam_provinces import Ward as VnWard

from db.models import Commune, Province
from db.uow import UnitOfWork
from donation.access import audit
from donation.access.actors import ADMIN, Actor, require_role
from donation.common.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class Unit:
    code: int
    name: str
    province_code: int | None = None
    is_poor: bool = False


def load_units(session: Session) -> tuple[int, int]:
    """Insert the units the package has and the table lacks; never touch existing rows (their flags are data)."""
    have = set(session.exec(select(Province.code)))
    provinces = [
        {"code": p.code.value, "name": _tidy(p.name), "division_type": p.division_type.value, "codename": p.codename}
        for p in VnProvince.iter_all()
        if p.code.value not in have
    ]
    if provinces:
        session.execute(insert(Province), provinces)
    have = set(session.exec(select(Commune.code)))
    communes = [
        {"code": w.code.value, "province_code": w.province_code.value, "name": _tidy(w.name),
         "division_type": w.division_type.value, "codename": w.codename, "is_poor": False}
        for w in VnWard.iter_all()
        if w.code.value not in have
    ]
    if communes:
        session.execute(insert(Commune), communes)
    return (
        session.exec(select(func.count()).select_from(Province)).one(),
        session.exec(select(func.count()).select_from(Commune)).one(),
    )


def _tidy(name: str) -> str:
    # The package has a few names with doubled spaces ("Phường  Tân An").
    return " ".join(name.split())


def parse_code(value: object, label: str) -> int:
    """Unit codes are accepted with or without leading zeros: '066', '66' and 66 are the same province."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit():
        raise InvalidInput(f"Mã {label} '{text}' không hợp lệ: mã chỉ gồm chữ số, ví dụ 66")
    return int(text)


def get_province(session: Session, code: object) -> Unit:
    number = parse_code(code, "tỉnh")
    row = session.get(Province, number)
    if row is None:
        raise NotFound(f"Không có tỉnh/thành phố mã {code}: xem danh sách 34 tỉnh, thành phố từ 01/07/2025")
    return Unit(row.code, row.name)


def get_commune(session: Session, code: object, *, province_code: object | None = None) -> Unit:
    number = parse_code(code, "xã")
    row = session.get(Commune, number)
    if row is None:
        raise NotFound(f"Không có xã/phường/đặc khu mã {code}: kiểm tra mã theo danh mục từ 01/07/2025")
    if province_code is not None and row.province_code != parse_code(province_code, "tỉnh"):
        province = get_province(session, province_code)
        raise InvalidInput(f"{row.name} (mã {row.code}) không thuộc {province.name}: chọn xã trong tỉnh đã chọn")
    return Unit(row.code, row.name, row.province_code, row.is_poor)


def resolve_place(session: Session, province_code: object | None,
                  commune_code: object | None) -> tuple[Unit | None, Unit | None]:
    """Optional province and commune codes to units; a commune implies its province and must lie inside a given one."""
    province = get_province(session, province_code) if province_code not in (None, "") else None
    commune = None
    if commune_code not in (None, ""):
        commune = get_commune(session, commune_code, province_code=province.code if province else None)
        province = province or get_province(session, commune.province_code)
    return province, commune


def list_provinces(session: Session) -> list[Unit]:
    return [Unit(p.code, p.name) for p in session.exec(select(Province).order_by(Province.code))]


def list_communes(session: Session, province_code: int) -> list[Unit]:
    rows = session.exec(select(Commune).where(Commune.province_code == province_code).order_by(Commune.code))
    return [Unit(c.code, c.name, c.province_code, c.is_poor) for c in rows]


def set_poor_commune(actor: Actor, commune_code: object, is_poor: bool, *, uow: UnitOfWork | None = None) -> Unit:
    """Flag a commune as poor (xã nghèo) or clear the flag; near-poor people there are then paid in full by the state."""
    return set_poor_communes(actor, [(commune_code, is_poor)], uow=uow)[0]


def set_poor_communes(actor: Actor, flags: list[tuple[object, bool]], *,
                      uow: UnitOfWork | None = None) -> list[Unit]:
    """Several communes' flags as one change: all are saved, or none when one code is unknown."""
    require_role(actor, ADMIN)
    with uow or UnitOfWork() as work:
        done = []
        for commune_code, is_poor in flags:
            row = work.session.get(Commune, parse_code(commune_code, "xã"))
            if row is None:
                raise NotFound(f"Không có xã/phường/đặc khu mã {commune_code}")
            if row.is_poor != is_poor:
                audit.record(work.session, actor, "set_poor_commune", "commune", row.code,
                             before={"is_poor": row.is_poor}, after={"is_poor": is_poor})
                row.is_poor = is_poor
            done.append(Unit(row.code, row.name, row.province_code, row.is_poor))
        work.commit()
        return done
