import pytest

from cpass.accounts.tests.factories import UserFactory
from cpass.privacy.models import PolicyAcceptance
from cpass.privacy.services import policy_acceptance_record

pytestmark = pytest.mark.django_db


def test_policy_acceptance_is_recorded_once_per_version():
    user = UserFactory.create()
    first = policy_acceptance_record(user=user, version="2026-11-01", ip_address="203.0.113.1")
    again = policy_acceptance_record(user=user, version="2026-11-01", ip_address="203.0.113.2")
    assert first.pk == again.pk
    assert PolicyAcceptance.objects.get(user=user).ip_address == "203.0.113.1"
