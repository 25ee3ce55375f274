"""Idempotency-Key on POST: replay, conflict, in-progress duplicate, key length, purge."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cpass.accounts.models import User
from cpass.accounts.tests.factories import bearer, make_api_token
from cpass.core.idempotency import idempotency_records_purge
from cpass.core.models import IdempotencyRecord
from cpass.core.tests import urls as probe_urls
from cpass.organizations.models import Enterprise

pytestmark = pytest.mark.urls("cpass.core.tests.urls")

PROBE = "/api/probe/probes"


@pytest.fixture(autouse=True)
def _calls() -> Iterator[None]:
    probe_urls.CALLS.clear()
    yield
    probe_urls.CALLS.clear()


@pytest.fixture
def client(owner: User, enterprise: Enterprise) -> Client:
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = bearer(make_api_token(owner, enterprise))["Authorization"]
    return client


def _post(client: Client, body: dict, key: str | None = "key-1"):  # type: ignore[no-untyped-def,type-arg]
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(PROBE, data=json.dumps(body), content_type="application/json", headers=headers)


def test_without_key_every_post_runs(client: Client) -> None:
    _post(client, {"name": "a", "quantity": 1}, key=None)
    _post(client, {"name": "a", "quantity": 1}, key=None)
    assert len(probe_urls.CALLS) == 2
    assert IdempotencyRecord.objects.count() == 0


def test_first_request_is_stored(client: Client, owner: User) -> None:
    response = _post(client, {"name": "a", "quantity": 1})
    record = IdempotencyRecord.objects.get()
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert (record.user_id, record.key, record.status, record.method, record.path) == (
        owner.pk,
        "key-1",
        201,
        "POST",
        PROBE,
    )
    assert json.loads(bytes(record.body)) == response.json()


def test_same_key_same_body_replays(client: Client) -> None:
    first = _post(client, {"name": "a", "quantity": 1})
    second = _post(client, {"name": "a", "quantity": 1})
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert second["Content-Type"] == first["Content-Type"]
    assert len(probe_urls.CALLS) == 1


def test_same_key_different_body_is_409(client: Client) -> None:
    _post(client, {"name": "a", "quantity": 1})
    response = _post(client, {"name": "a", "quantity": 2})
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "This Idempotency-Key was already used for a different request."
    assert len(probe_urls.CALLS) == 1


def test_concurrent_duplicate_is_409(client: Client, owner: User) -> None:
    # The first request with this key has claimed it and not finished yet.
    IdempotencyRecord.objects.create(
        user=owner, key="key-1", method="POST", path=PROBE, request_hash="x", status=0, content_type="", body=b""
    )
    response = _post(client, {"name": "a", "quantity": 1})
    assert response.status_code == 409
    assert response.json()["detail"] == "Another request with this Idempotency-Key is in progress."
    assert probe_urls.CALLS == []


def test_key_longer_than_255_is_400(client: Client) -> None:
    response = _post(client, {"name": "a", "quantity": 1}, key="k" * 256)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "Idempotency-Key", "message": "The Idempotency-Key header must be 1 to 255 characters long."}
    ]
    assert probe_urls.CALLS == []


def test_key_of_255_is_accepted(client: Client) -> None:
    assert _post(client, {"name": "a", "quantity": 1}, key="k" * 255).status_code == 201


def test_failed_request_frees_the_key(client: Client) -> None:
    failed = _post(client, {"name": "a", "quantity": -1})
    assert failed.status_code == 422
    assert IdempotencyRecord.objects.count() == 0
    assert _post(client, {"name": "a", "quantity": -1}).status_code == 422


def test_keys_are_per_user(client: Client, enterprise: Enterprise, make_member) -> None:  # type: ignore[no-untyped-def]
    _post(client, {"name": "a", "quantity": 1})
    other = Client(headers=bearer(make_api_token(make_member(enterprise).user, enterprise)))
    response = _post(other, {"name": "a", "quantity": 1})
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert len(probe_urls.CALLS) == 2


def test_stale_record_does_not_replay(client: Client) -> None:
    _post(client, {"name": "a", "quantity": 1})
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    response = _post(client, {"name": "a", "quantity": 1})
    assert "Idempotent-Replayed" not in response
    assert len(probe_urls.CALLS) == 2


def test_purge_deletes_records_older_than_a_day(owner: User) -> None:
    for key in ("old-1", "old-2", "new"):
        IdempotencyRecord.objects.create(
            user=owner, key=key, method="POST", path=PROBE, request_hash="x", status=201, content_type="", body=b""
        )
    IdempotencyRecord.objects.filter(key__startswith="old").update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency_records_purge(batch_size=1) == 2
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    assert idempotency_records_purge() == 0
