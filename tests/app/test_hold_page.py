"""The holds page through AppTest: a donor picks households for a pledge, sees them held, and gives one back."""

from datetime import date

from demo import seed as demo
from demo.seed import DEMO_PASSWORD
from donation.access import auth
from donation.pledges import pledges
from tests.app.test_sign_in import open_page, sign_in


def test_a_donor_holds_households_for_a_pledge_and_gives_one_back(app):
    demo.seed_demo(seed=5, nominations=120)
    made = pledges.create_pledge(auth.find_actor("demo.nhataitro"), amount=30_000_000, province_code=66,
                                 today=date.today())
    at = open_page(sign_in(app, "demo.nhataitro", DEMO_PASSWORD), "pages/hold_households.py")
    assert not at.exception and not at.error
    at.selectbox(key="holds.pledge").set_value(made.code)
    at.run()
    boxes = [box for box in at.checkbox if box.key.startswith("holds.household.")]
    assert len(boxes) == 20 and all("₫" in box.label and "tuổi" in box.label for box in boxes)
    first, second = boxes[0].key, boxes[1].key
    at.checkbox(key=first).check()
    at.checkbox(key=second).check()
    submit = next(b for b in at.get("button") if b.label == "Giữ chỗ các hộ đã chọn")
    submit.click()
    at.run()
    assert not at.exception
    assert at.success[0].value == "Đã giữ chỗ 2 hộ."
    submit = next(b for b in at.get("button") if b.label == "Giữ chỗ các hộ đã chọn")
    submit.click()  # nothing ticked
    at.run()
    assert at.error[0].value == "Chọn ít nhất một hộ để giữ chỗ"
    held = next(frame.value for frame in at.dataframe if "Giữ đến" in frame.value.columns)
    assert sorted(held["Hộ"]) == sorted(int(key.rsplit(".", 1)[1]) for key in (first, second))
    assert not any(box.key in (first, second) for box in at.checkbox)  # held ones leave the waiting list
    at.selectbox(key="holds.release_pick").set_value(int(first.rsplit(".", 1)[1]))
    at.run()
    at.button(key="holds.release").click()
    at.run()
    assert at.success[0].value == f"Đã trả lại hộ {first.rsplit('.', 1)[1]}."
    held = next(frame.value for frame in at.dataframe if "Giữ đến" in frame.value.columns)
    assert list(held["Hộ"]) == [int(second.rsplit(".", 1)[1])]
