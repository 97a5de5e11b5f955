"""Settings read from the environment: a renamed setting still answers to its former name."""

from db.config import Settings


def test_demo_nominations_read_under_the_new_name_and_the_former_one(monkeypatch):
    monkeypatch.delenv("BHYT_DEMO_NOMINATIONS", raising=False)
    monkeypatch.delenv("BHYT_DEMO_BENEFICIARIES", raising=False)
    assert Settings().demo_nominations == 300
    monkeypatch.setenv("BHYT_DEMO_BENEFICIARIES", "7")
    assert Settings().demo_nominations == 7
    monkeypatch.setenv("BHYT_DEMO_NOMINATIONS", "9")
    assert Settings().demo_nominations == 9  # the new name wins when both are set
    assert Settings(demo_nominations=3).demo_nominations == 3
