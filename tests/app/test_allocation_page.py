"""The allocation page through AppTest: the provincial officer previews (nothing saved), then saves."""

from sqlmodel import func, select

from db.models import Pledge, Sponsorship
from db.uow import UnitOfWork
from demo import seed as demo
from demo.seed import DEMO_PASSWORD
from tests.app.test_pledge_pages import open_pledge
from tests.app.test_sign_in import open_page, sign_in


def sponsorships() -> int:
    with UnitOfWork() as work:
        return work.session.exec(select(func.count()).select_from(Sponsorship)).one()


def test_the_officer_previews_then_saves_an_allocation(app):
    demo.seed_demo(seed=5, nominations=120, pledges=12)
    at = open_page(sign_in(app, "demo.tinh", DEMO_PASSWORD), "pages/allocation.py")
    at.button(key="allocation.preview").click()
    at.run()
    assert not at.exception and not at.error
    shown = {m.label: m.value for m in at.metric}
    assert int(shown["Người được tài trợ"].replace(".", "")) > 0 and sponsorships() == 0  # a preview saves nothing
    tables = [frame.value for frame in at.dataframe]
    assert list(tables[0].columns) == ["Xã", "Số người", "Số tiền"] and list(tables[1].columns)[0] == "Nhóm"
    assert tables[0]["Số người"].sum() == int(shown["Người được tài trợ"].replace(".", ""))  # figures beside charts
    at.button(key="allocation.save").click()
    at.run()
    assert not at.exception
    assert at.success[0].value.startswith("Đã lưu phân bổ: ")
    assert sponsorships() == int(shown["Người được tài trợ"].replace(".", ""))
    at.button(key="allocation.preview").click()
    at.run()
    assert "Không có ai được tài trợ thêm" in at.info[0].value  # running again: nothing new
    with UnitOfWork() as work:  # the pledge sheet now says what the money bought, without names
        code, allocated = work.session.exec(select(Pledge.code, Pledge.allocated).where(
            Pledge.allocated > 0, Pledge.office_code == 66).order_by(Pledge.allocated.desc())).first()
    at = open_page(at, "pages/pledges.py")
    open_pledge(at, code)
    assert not at.exception
    (heading,) = [m.value for m in at.markdown if m.value.startswith("**Tiền của cam kết đã mua ")]
    bought = next(frame.value for frame in at.dataframe if "Số thẻ" in frame.value.columns)
    assert heading == f"**Tiền của cam kết đã mua {bought['Số thẻ'].sum()} thẻ BHYT** (không nêu tên người nhận)"
