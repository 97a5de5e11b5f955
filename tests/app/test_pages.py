"""Screens through Streamlit's AppTest: the home page and the premium calculator."""


import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import ENTRY

pytestmark = pytest.mark.app


def open_calculator(at: AppTest) -> AppTest:
    at.switch_page("pages/premium_calculator.py")
    at.run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_home_page_says_what_the_platform_is_and_todays_premium(app):
    assert app.title[0].value == "Tặng thẻ BHYT"
    assert "thẻ bảo hiểm y tế" in app.markdown[0].value
    assert metrics(app)["Một thẻ BHYT hộ gia đình, 12 tháng"].endswith(" ₫")


def test_calculator_quotes_a_three_member_household(app):
    at = open_calculator(app)
    at.selectbox(key="calc.group").set_value("household")
    at.number_input(key="calc.members").set_value(3)
    at.radio(key="calc.months").set_value(12)
    at.text_input(key="calc.on").set_value("01/09/2024")
    at.run()
    assert not at.error
    assert metrics(at) == {"Nhà tài trợ đóng": "2.906.280 ₫", "Nhà nước, tỉnh hỗ trợ": "0 ₫",
                           "Mức đóng đầy đủ": "2.906.280 ₫"}
    assert "Hai triệu chín trăm linh sáu nghìn hai trăm tám mươi đồng" in " ".join(m.value for m in at.markdown)
    table = at.dataframe[0].value
    assert list(table["Mức đóng"]) == ["1.263.600 ₫", "884.520 ₫", "758.160 ₫"]
    assert "Quy định áp dụng: **2024-07**" in " ".join(c.value for c in at.caption)


def test_calculator_applies_a_province_top_up_and_says_when_no_donor_is_needed(app):
    at = open_calculator(app)
    at.selectbox(key="calc.group").set_value("near_poor")
    at.text_input(key="calc.on").set_value("01/09/2025")
    at.selectbox(key="calc.province").set_value(15)  # Lào Cai adds 30% for the near-poor
    at.run()
    assert metrics(at)["Nhà tài trợ đóng"] == "0 ₫"
    assert any("không cần nhà tài trợ" in s.value for s in at.success)
    assert len(at.selectbox(key="calc.commune").options) > 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [("31/02/2025", "không có trên lịch"), ("hôm nay", "không đúng dạng"),
     ("30/06/2019", "trước quy định mức đóng đầu tiên")],
)
def test_calculator_explains_a_bad_date(app, typed, message):
    at = open_calculator(app)
    at.text_input(key="calc.on").set_value(typed)
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and message in at.error[0].value
    assert not at.metric


def test_an_unreachable_database_is_a_message_not_a_traceback(configured_database):
    configured_database("postgresql+psycopg://postgres@127.0.0.1:1/test")
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.run()
    assert not at.exception
    assert "Không kết nối được PostgreSQL" in at.error[0].value


def _page_text(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "success", "warning", "error", "title", "subheader")
             for e in getattr(at, kind)]
    parts += [str(frame.value.to_dict()) for frame in at.dataframe] + [m.value for m in at.metric]
    return " ".join(str(part) for part in parts)


def test_a_new_group_is_quoted_with_its_duration_and_the_unconfirmed_2026_rule_is_said_plainly(app):
    at = open_calculator(app)
    assert "poor" not in at.selectbox(key="calc.group").options  # the state pays in full: no donor to price it for
    at.selectbox(key="calc.group").set_value("ethnic_minority_transition")
    at.text_input(key="calc.on").set_value("01/09/2025")
    at.run()
    assert metrics(at)["Nhà tài trợ đóng"] == "379.080 ₫" and "36 tháng" in _page_text(at)
    at.text_input(key="calc.on").set_value("01/09/2026")
    at.run()
    assert "Lương cơ sở 2.530.000 ₫ từ 01/07/2026 chưa được xác nhận" in _page_text(at)
    for page in ("pages/premium_calculator.py", "pages/transparency.py", "pages/home.py"):
        at.switch_page(page)
        at.run()
        assert not at.exception and "cần xác nhận" not in _page_text(at), page
