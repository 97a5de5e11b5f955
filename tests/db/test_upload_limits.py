"""Every import that takes a file (nominations, bank statements, issued cards) refuses a zip bomb and a workbook
with a far-away cell before reading it, with the reason in Vietnamese, and saves nothing."""

from datetime import date

import pytest
from sqlmodel import func, select

from db.models import AuditEvent, Nomination, StatementLine
from donation.access import auth
from donation.cards import cards
from donation.common.errors import InvalidInput
from donation.payments import reconcile
from donation.registry import nominations
from tests.workbooks import far_cell_workbook, zip_bomb

TODAY = date(2026, 11, 25)
XA = 22276  # Xã Hòa Thịnh, Đắk Lắk: demo.xa's commune


def _imports(uow):
    xa, tinh = auth.find_actor("demo.xa", uow=uow), auth.find_actor("demo.tinh", uow=uow)
    return {
        "nominations": lambda data: nominations.import_nominations(xa, data, "ds.xlsx", commune_code=XA, consent=True,
                                                                uow=uow, today=TODAY),
        "statement": lambda data: reconcile.reconcile(tinh, data, "sao-ke.xlsx", today=TODAY, uow=uow),
        "statement headers": lambda data: reconcile.statement_headers(data, "sao-ke.xlsx"),
        "cards": lambda data: cards.import_cards(tinh, data, "the.xlsx", uow=uow),
    }


@pytest.mark.parametrize("name", ["nominations", "statement", "statement headers", "cards"])
@pytest.mark.parametrize(("data", "reason"), [
    (zip_bomb(250), "phần xl/worksheets/sheet1.xml giải nén ra 250 MB, vượt giới hạn 200 MB"),
    (far_cell_workbook(), "phần xl/worksheets/sheet1.xml có 1.048.576 dòng, vượt giới hạn 100.000 dòng"),
], ids=["zip bomb", "far cell"])
def test_a_dangerous_workbook_is_refused_and_nothing_is_saved(uow, name, data, reason):
    imports = _imports(uow)
    before = _counts(uow)
    with pytest.raises(InvalidInput) as refused:
        imports[name](data)
    assert str(refused.value).startswith(f"Tệp bị từ chối: {reason}. Hãy lưu lại tệp chỉ với bảng danh sách")
    assert _counts(uow) == before


def _counts(uow) -> list[int]:
    with uow as work:
        return [work.session.exec(select(func.count()).select_from(table)).one()
                for table in (Nomination, StatementLine, AuditEvent)]
