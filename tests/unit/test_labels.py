"""Every fixed value of the database has its Vietnamese label in the domain, in the enumeration's order."""

import pytest

from db import enums
from donation.access.actors import ROLE_NAMES
from donation.allocation.explain import RULE_NAMES
from donation.cards.cards import GENDER_NAMES
from donation.cards.cards import STATUS_NAMES as BATCH_STATUSES
from donation.payments.payments import METHODS, PAYMENT_STATUSES
from donation.payments.receipts import STATUSES as RECEIPT_STATUSES
from donation.payments.receipts import VOID_REASONS
from donation.pledges.donors import KINDS
from donation.pledges.states import STATUS_NAMES as PLEDGE_STATUSES
from donation.registry.nomination_rows import DAMAGE_NAMES
from donation.registry.nominations import STATUS_NAMES as NOMINATION_STATUSES

LABELS = [(enums.Role, ROLE_NAMES), (enums.Gender, GENDER_NAMES), (enums.NominationStatus, NOMINATION_STATUSES),
          (enums.FloodDamage, DAMAGE_NAMES), (enums.DonorKind, KINDS), (enums.PledgeStatus, PLEDGE_STATUSES),
          (enums.PaymentMethod, METHODS), (enums.PaymentStatus, PAYMENT_STATUSES),
          (enums.ReceiptStatus, RECEIPT_STATUSES), (enums.VoidReason, VOID_REASONS),
          (enums.SponsorshipRule, RULE_NAMES), (enums.BatchStatus, BATCH_STATUSES)]


@pytest.mark.parametrize(("enum", "names"), LABELS, ids=[enum.__name__ for enum, _ in LABELS])
def test_each_value_has_a_label_in_order(enum, names):
    assert list(names) == [member.value for member in enum]
    assert all(isinstance(key, str) and type(key) is str for key in names)  # plain text, as stored
    assert all(label.strip() for label in names.values())


def test_a_value_without_a_label_is_refused():
    with pytest.raises(ValueError, match=r"PledgeStatus: no label for \['expired'\]"):
        enums.labelled(enums.PledgeStatus, {m: m.value for m in enums.PledgeStatus if m != "expired"})
