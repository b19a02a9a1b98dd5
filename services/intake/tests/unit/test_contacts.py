import pytest

from services.intake.domain.contacts import Customer, contact_keys, is_unknown, with_account
from shared.events.submissions import Submission
from shared.testing import builders


def submission(**overrides) -> Submission:
    # Written as people type it: the contact keys are the E.164 form.
    return builders.submission(**{"contact": {"phone": "+86 138-0000-0000"}} | overrides)


def customer(**overrides) -> Customer:
    fields = {"customer_id": "cu-1", "tenant_id": "acme", "phone": "+8613800000000"}
    return Customer(**(fields | overrides))


def test_a_contact_fills_in_its_account():
    filled = with_account(submission(), customer(account_id="acct-9"))
    assert filled.account_id == "acct-9"


def test_a_given_account_is_kept():
    given = submission(account_id="acct-1")
    assert with_account(given, customer(account_id="acct-9")).account_id == "acct-1"


def test_an_unknown_contact_or_a_contact_without_account_leaves_it_empty():
    assert with_account(submission(), None).account_id is None
    assert with_account(submission(), customer()).account_id is None


def test_phones_match_whatever_their_spacing_and_emails_whatever_their_case():
    assert contact_keys(phone="+86 138-0000-0000") == contact_keys(phone="+8613800000000")
    assert contact_keys(email="Li@Example.cn") == ["email:li@example.cn"]


def test_a_customer_needs_an_identity():
    with pytest.raises(ValueError, match="contact_id, phone or email"):
        Customer(customer_id="cu-1", tenant_id="acme", name="nobody")


@pytest.mark.parametrize(
    ("found", "unknown"),
    [(None, True), (customer(), True), (customer(verified=True), False)],
)
def test_a_contact_is_unknown_until_verified(found, unknown):
    assert is_unknown(submission(), found) is unknown


def test_an_account_only_submission_is_never_unknown():
    assert not is_unknown(submission(contact=None, account_id="acct-1"), None)
