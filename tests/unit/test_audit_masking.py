"""What the audit log keeps of personal identifiers: masked before an event is written."""

from donation.access import audit


def test_personal_identifiers_are_masked():
    with_pii = audit._redact({"national_id": "066185000123", "full_name": "Nguyễn Văn A",
                              "nested": {"birth_date": "1985-01-01", "need_flags": "disability"}})
    assert with_pii == {"national_id": "••••••••0123", "full_name": "Nguyễn Văn A",
                        "nested": {"birth_date": "•••", "need_flags": "•••"}}
