"""The calculator's two dates, the day the premium is paid (it prices the card) and the day the card starts; the
pledge form's notice of a known change within 60 days."""

import pytest

from donation.common.dates import format_date, today_vn
from tests.app.test_pages import metrics, open_calculator

pytestmark = pytest.mark.app


def test_paid_before_the_rise_for_a_card_after_it(app):
    at = open_calculator(app)
    assert at.text_input(key="calc.on").label == "Ngày đóng tiền (dd/mm/yyyy)"
    assert at.text_input(key="calc.on").value == format_date(today_vn())
    assert at.text_input(key="calc.cover_from").label.startswith("Thẻ có hiệu lực từ")
    assert at.text_input(key="calc.cover_from").value == ""
    at.selectbox(key="calc.group").set_value("household")
    at.text_input(key="calc.on").set_value("30/06/2026")
    at.text_input(key="calc.cover_from").set_value("01/08/2026")
    at.run()
    assert not at.error
    assert metrics(at)["Nhà tài trợ đóng"] == "1.263.600 ₫"
    assert [w.value for w in at.warning] == [
        "Nếu tiền được nộp cho BHXH từ 01/07/2026 (quy định 2026-07, lương cơ sở 2.530.000 ₫), nhà tài trợ đóng "
        "1.366.200 ₫ (mức đóng đầy đủ 1.366.200 ₫)."]
    caption = " ".join(c.value for c in at.caption)
    assert "Quy định áp dụng: **2025-07**, ngày đóng tiền 30/06/2026, thẻ có hiệu lực từ 01/08/2026" in caption


def test_no_warning_when_no_change_falls_between(app):
    at = open_calculator(app)
    at.selectbox(key="calc.group").set_value("household")
    for paid, cover, donor, starts in [("01/07/2026", "01/08/2026", "1.366.200 ₫", "01/08/2026"),
                                       ("01/07/2026", "", "1.366.200 ₫", "31/07/2026"),  # 30 days after payment
                                       ("30/05/2026", "", "1.263.600 ₫", "29/06/2026")]:
        at.text_input(key="calc.on").set_value(paid)
        at.text_input(key="calc.cover_from").set_value(cover)
        at.run()
        assert metrics(at)["Nhà tài trợ đóng"] == donor
        assert not at.warning
        assert f"thẻ có hiệu lực từ {starts}" in " ".join(c.value for c in at.caption)


def test_a_bad_cover_start_is_explained(app):
    at = open_calculator(app)
    at.text_input(key="calc.on").set_value("30/06/2026")
    for cover, message in [("29/06/2026", "trước ngày đóng tiền"), ("mai", "không đúng dạng")]:
        at.text_input(key="calc.cover_from").set_value(cover)
        at.run()
        assert not at.exception
        assert len(at.error) == 1 and message in at.error[0].value  # the message escapes "/" for Markdown
        assert not at.metric


def test_the_pledge_form_names_a_rise_due_within_sixty_days(app, monkeypatch):
    from datetime import date

    from demo.seed import DEMO_PASSWORD
    from tests.app.test_sign_in import open_page, sign_in

    monkeypatch.setattr("donation.common.dates.today_vn", lambda now=None: date(2026, 5, 1))  # 61 days before
    at = open_page(sign_in(app, "demo.nhataitro", DEMO_PASSWORD), "pages/pledge.py")
    at.text_input(key="pledge.amount").set_value("2.000.000")
    at.multiselect(key="pledge.groups").set_value(["household"])
    at.run()
    assert not at.exception and not at.warning
    monkeypatch.setattr("donation.common.dates.today_vn", lambda now=None: date(2026, 5, 15))
    at.run()
    assert not at.exception
    assert at.info[0].value.startswith("2.000.000 ₫ mua được 1 thẻ hộ gia đình 12 tháng")
    assert "giá theo quy định 2025-07, ngày 15/05/2026" in at.info[0].value
    assert [w.value for w in at.warning] == [
        "Từ 01/07/2026 lương cơ sở là 2.530.000 ₫ (quy định 2026-07): nếu tiền được nộp cho BHXH từ ngày đó, giá 12 "
        "tháng: một thẻ hộ gia đình 1.366.200 ₫."]
