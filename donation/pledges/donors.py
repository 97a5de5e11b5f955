"""Donors of three kinds: a local budget, a company or organisation, an individual; each with its own facts.

A donor registers (an account with the donor role and their profile, in one transaction) or an official enters one
for a walk-in at the office. FIELDS says what each kind gives: `check_profile` checks by it and both forms are made
from it. `check_profile` is plain: it says which field is wrong and what to write.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from db.enums import DonorKind, labelled
from db.models import Donor, Pledge, UserAccount
from db.uow import UnitOfWork
from donation.access import audit
from donation.access.actors import DONOR, OFFICE_STAFF, PROVINCE_OFFICER, Actor, require_role
from donation.access.auth import actor_of, add_user
from donation.common.dates import parse_date
from donation.common.errors import InvalidInput, NotFound
from donation.common.identity import (
    check_tax_code,
    has_hidden_characters,
    hidden_characters_message,
    name_key,
    normalise_name,
)

KINDS = labelled(DonorKind, {DonorKind.BUDGET: "Ngân sách địa phương", DonorKind.ORGANISATION: "Doanh nghiệp, tổ chức",
                             DonorKind.INDIVIDUAL: "Cá nhân"})
REQUIRED, CONTACT, OPTIONAL = "required", "contact", "optional"  # CONTACT: at least one of the kind's contact fields


@dataclass(frozen=True)
class ProfileField:
    """One fact a donor of some kind gives: checked by `check_profile`, asked by the registration and office forms."""
    key: str
    label: str  # in messages and on the office's form
    need: str = OPTIONAL
    title: str = ""  # what a visitor registering is asked, where it says more than the label
    help: str = ""  # what to write, after the visitor's label in brackets

    @property
    def visitor_label(self) -> str:
        # Officials know the form; a visitor registering is told whose name and which date format.
        return f"{self.title or self.label} ({self.help})" if self.help else self.title or self.label


def _name(title: str, hint: str = "") -> ProfileField:
    return ProfileField("name", "Tên", REQUIRED, title, hint)


def _contact(need: str) -> tuple[ProfileField, ProfileField]:
    return ProfileField("phone", "Số điện thoại", need), ProfileField("email", "Thư điện tử", need)


FIELDS: dict[str, tuple[ProfileField, ...]] = {
    DonorKind.BUDGET: (_name("Tên cơ quan, đơn vị", "ví dụ UBND tỉnh Đắk Lắk"),
                       ProfileField("authority", "Cơ quan ban hành quyết định", REQUIRED),
                       ProfileField("decision_number", "Số quyết định", REQUIRED),
                       ProfileField("decision_date", "Ngày quyết định", REQUIRED, help="dd/mm/yyyy"),
                       *_contact(OPTIONAL)),
    DonorKind.ORGANISATION: (_name("Tên doanh nghiệp, tổ chức"), ProfileField("tax_code", "Mã số thuế", REQUIRED),
                             ProfileField("representative", "Người đại diện", REQUIRED),
                             ProfileField("address", "Địa chỉ", REQUIRED), *_contact(OPTIONAL)),
    # the office reaches an individual only through their phone or mail
    DonorKind.INDIVIDUAL: (_name("Họ và tên"), *_contact(CONTACT)),
}
LABELS = {field.key: field.label for fields in FIELDS.values() for field in fields}
_PHONE = re.compile(r"(?:\+84|0)(?:3|5|7|8|9|2\d)\d{7,8}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


@dataclass(frozen=True)
class DonorRow:
    id: int
    kind: str
    name: str
    public: bool
    tax_code: str
    phone: str
    email: str

    @property
    def public_name(self) -> str:
        return self.name if self.public else "Nhà tài trợ ẩn danh"


def _row(donor: Donor) -> DonorRow:
    return DonorRow(donor.id, donor.kind, donor.name, donor.public, donor.tax_code, donor.phone, donor.email)


def _text(fields: dict, key: str, limit: int = 200) -> str:
    return " ".join(unicodedata.normalize("NFC", str(fields.get(key) or "")).split())[:limit]


def check_profile(kind: str, fields: dict[str, object], *, today: date) -> dict[str, object]:
    """The donor's facts, tidied, or InvalidInput naming every wrong field and what to write."""
    if kind not in KINDS:
        raise InvalidInput(f"Loại nhà tài trợ '{kind}' không có: ngân sách, doanh nghiệp/tổ chức hoặc cá nhân")
    problems: list[str] = []
    # A person's name is capitalised word by word; an organisation's is kept as written ("Công ty TNHH …").
    profile: dict[str, object] = {"name": normalise_name(_text(fields, "name")) if kind == "individual"
                                  else _text(fields, "name")}
    for key in ("authority", "representative", "address"):
        profile[key] = _text(fields, key)
    problems += [hidden_characters_message(LABELS[key]) for key in ("name", "authority", "representative")
                 if has_hidden_characters(str(profile[key]))]
    profile["decision_number"] = _text(fields, "decision_number")
    if len(profile["decision_number"]) > 64:
        problems.append("Số quyết định dài quá 64 ký tự")
    profile["decision_date"] = None
    if _text(fields, "decision_date"):
        try:
            profile["decision_date"] = parse_date(_text(fields, "decision_date"))
            if profile["decision_date"] > today:
                problems.append("Ngày quyết định ở tương lai: ghi ngày đã ký, dd/mm/yyyy")
        except InvalidInput:
            problems.append("Ngày quyết định không đọc được: ghi dd/mm/yyyy")
    profile["tax_code"] = ""
    if _text(fields, "tax_code"):
        try:
            profile["tax_code"] = check_tax_code(_text(fields, "tax_code"))
        except InvalidInput as exc:
            problems.append(str(exc))
    phone = re.sub(r"[\s.\-()]", "", _text(fields, "phone"))
    if phone and not _PHONE.fullmatch(phone):
        problems.append("Số điện thoại không đúng: ghi 10 chữ số bắt đầu bằng 0, ví dụ 0912345678")
    email = _text(fields, "email").lower()
    if email and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        problems.append("Thư điện tử không đúng: ví dụ ten@example.com")
    profile["phone"], profile["email"] = phone, email
    contact = [field for field in FIELDS[kind] if field.need == CONTACT]
    if contact and not any(profile[field.key] for field in contact):
        problems.append(f"{KINDS[kind]} cần {' hoặc '.join(field.label.lower() for field in contact)} để văn phòng "
                        "liên hệ")
    for field in FIELDS[kind]:
        if field.need == REQUIRED and not profile.get(field.key) and not any(field.label in p for p in problems):
            problems.append(f"Thiếu {field.label.lower()}")
    if problems:
        raise InvalidInput("; ".join(problems))
    return profile


def form_fields(kind: str, *, at_office: bool = False) -> tuple[ProfileField, ...]:
    """The fields a form asks of a donor of this kind: every one on the registration form; at the office's counter
    only those the service needs, so that a walk-in donor is entered quickly."""
    return tuple(field for field in FIELDS[kind] if not at_office or field.need != OPTIONAL)


def register(*, kind: str, username: str, password: str, fields: dict[str, object], public: bool,
             today: date, uow: UnitOfWork | None = None) -> Actor:
    """A visitor registers as a donor: their account and profile, both or neither. Returns the new actor."""
    profile = check_profile(kind, fields, today=today)
    with uow or UnitOfWork() as work:
        user = add_user(work.session, None, username=username, password=password, role=DONOR,
                        display_name=str(profile["name"]))
        add_donor(work.session, actor_of(user), kind, profile, public, user_id=user.id)
        work.commit()
        return actor_of(user)


def create_donor(actor: Actor, *, kind: str, fields: dict[str, object], public: bool, today: date,
                 uow: UnitOfWork | None = None) -> DonorRow:
    """An official enters a donor who came to the office (no account of their own)."""
    require_role(actor, *OFFICE_STAFF)
    profile = check_profile(kind, fields, today=today)
    with uow or UnitOfWork() as work:
        donor = add_donor(work.session, actor, kind, profile, public, created_by=actor.user_id)
        work.commit()
        return _row(donor)


def add_donor(session: Session, actor: Actor, kind: str, profile: dict, public: bool, **links) -> Donor:
    """Add a checked profile inside the caller's transaction (the caller has checked who may do it)."""
    if profile.get("tax_code") and session.exec(select(Donor.id).where(Donor.tax_code == profile["tax_code"])).first():
        raise InvalidInput(f"Mã số thuế {profile['tax_code']} đã có nhà tài trợ: chọn nhà tài trợ đó")
    donor = Donor(kind=kind, public=bool(public), name_key=name_key(profile["name"]), **profile, **links)
    session.add(donor)
    session.flush()
    audit.record(session, actor, "create_donor", "donor", donor.id,
                 after={"kind": kind, "name": donor.name, "public": donor.public})
    return donor


def donor_of(session: Session, actor: Actor) -> Donor:
    """The donor profile behind a donor's account."""
    require_role(actor, DONOR)
    donor = session.exec(select(Donor).where(Donor.user_id == actor.user_id)).first()
    if donor is None:
        raise NotFound("Tài khoản này chưa có hồ sơ nhà tài trợ: liên hệ văn phòng BHXH")
    return donor


def my_profile(actor: Actor, *, uow: UnitOfWork | None = None) -> DonorRow:
    with uow or UnitOfWork() as work:
        return _row(donor_of(work.session, actor))


def check_contact(kind: str, phone: object, email: object) -> tuple[str, str]:
    """A donor's phone and e-mail, tidied as `check_profile` tidies them, or InvalidInput saying what to write."""
    problems: list[str] = []
    phone = re.sub(r"[\s.\-()]", "", _text({"phone": phone}, "phone"))
    if phone and not _PHONE.fullmatch(phone):
        problems.append("Số điện thoại không đúng: ghi 10 chữ số bắt đầu bằng 0, ví dụ 0912345678")
    email = _text({"email": email}, "email").lower()
    if email and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        problems.append("Thư điện tử không đúng: ví dụ ten@example.com")
    contact = [field for field in FIELDS[kind] if field.need == CONTACT]
    if contact and not problems and not any({"phone": phone, "email": email}[field.key] for field in contact):
        problems.append(f"{KINDS[kind]} cần {' hoặc '.join(field.label.lower() for field in contact)} để văn phòng "
                        "liên hệ: không xóa được cả hai")
    if problems:
        raise InvalidInput("; ".join(problems))
    return phone, email


def update_contact(actor: Actor, *, phone: str, email: str, uow: UnitOfWork | None = None) -> DonorRow:
    """A donor changes their own phone and e-mail (where the office reaches them, and where receipts and password
    links go)."""
    with uow or UnitOfWork() as work:
        donor = donor_of(work.session, actor)
        phone, email = check_contact(donor.kind, phone, email)
        before = {"phone": donor.phone, "email": donor.email}
        if (phone, email) == (donor.phone, donor.email):
            return _row(donor)
        donor.phone, donor.email = phone, email
        audit.record(work.session, actor, "update_donor_contact", "donor", donor.id, before=before,
                     after={"phone": phone, "email": email})
        work.commit()
        return _row(donor)


def find_donors(actor: Actor, search: str = "", *, limit: int = 20, uow: UnitOfWork | None = None) -> list[DonorRow]:
    """Walk-in donors whose name (without accents) or tax code contains the search, for an official entering a
    pledge. Donors with their own account pledge for themselves: nobody pledges in their name.

    A provincial officer finds the donors of their office: those its officers entered, and those who pledged through
    it; and a donor whose full tax code they type (public registry data), since a second profile with that code is
    refused. National officers and administrators find every donor."""
    require_role(actor, *OFFICE_STAFF)
    search = search.strip()
    with uow or UnitOfWork() as work:
        query = select(Donor).where(Donor.user_id.is_(None)).order_by(Donor.name).limit(limit)
        if search:
            query = query.where(Donor.name_key.contains(name_key(search)) | Donor.tax_code.contains(search))
        if actor.role == PROVINCE_OFFICER:
            office = actor.province_code
            entered_here = select(UserAccount.id).where(UserAccount.province_code == office)
            pledged_here = select(Pledge.donor_id).where(Pledge.office_code == office)
            ours = Donor.created_by.in_(entered_here) | Donor.id.in_(pledged_here)
            query = query.where(ours | (Donor.tax_code == search) if search else ours)
        return [_row(d) for d in work.session.exec(query)]
