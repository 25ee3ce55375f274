import pytest
from django.contrib.sessions.backends.db import SessionStore

from cpass.accounts import selectors, services
from cpass.accounts.tests.factories import UserFactory, enable_totp

pytestmark = pytest.mark.django_db


def test_user_sessions_list_hides_ended_sessions():
    user = UserFactory.create()
    live = SessionStore()
    live.create()
    services.user_session_record(user=user, session_key=str(live.session_key), ip_address=None, user_agent="A")
    services.user_session_record(
        user=user, session_key="gone0000000000000000000000000000", ip_address=None, user_agent="B"
    )
    services.user_session_record(
        user=UserFactory.create(), session_key="other000000000000000000000000000", ip_address=None, user_agent="C"
    )
    assert [s.user_agent for s in selectors.user_sessions_list(user=user)] == ["A"]


def test_api_tokens_list_hides_revoked_and_others(enterprise, owner, make_actor):
    actor = make_actor(owner, enterprise)
    kept, _s1 = services.api_token_create(
        actor=actor, name="kept", enterprise_id=enterprise.pk, scopes=["account:read"], expires_in_days=1
    )
    gone, _s2 = services.api_token_create(
        actor=actor, name="gone", enterprise_id=enterprise.pk, scopes=["account:read"], expires_in_days=1
    )
    services.api_token_revoke(actor=actor, token_id=gone.pk)
    assert [t.name for t in selectors.api_tokens_list(user=owner)] == ["kept"]
    assert list(selectors.api_tokens_list(user=UserFactory.create())) == []


def test_two_factor_state():
    user = UserFactory.create()
    assert selectors.has_two_factor(user=user) is False
    enable_totp(user)
    services.recovery_codes_regenerate(user=user)
    assert selectors.has_two_factor(user=user) is True
    assert selectors.recovery_codes_remaining(user=user) == 10
