"""The benchmark's data: one enterprise with a user, an API token and a few thousand documents.

Runs in bench.prepare, after django.setup(). Rows are built with the project's
factories and written with bulk_create; every document points at one stored file, because
the list endpoints read rows, not file contents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from bench.load import LOOPBACK
from cpass.accounts.models import User
from cpass.accounts.services import user_session_record
from cpass.accounts.tests.factories import UserFactory, make_api_token
from cpass.documents.models import Document, DocumentCategory
from cpass.documents.tests.factories import DocumentFactory
from cpass.organizations.middleware import ACTIVE_ENTERPRISE_SESSION_KEY
from cpass.organizations.models import Enterprise
from cpass.organizations.tests.factories import EnterpriseFactory, MembershipFactory

_BATCH = 500
_CATEGORIES = list(DocumentCategory.values)


@dataclass(frozen=True)
class BenchData:
    enterprise_id: int
    documents: int
    other_tenant_documents: int
    api_token: str
    session_cookie: str


def _documents(enterprise: Enterprise, count: int, file_name: str) -> None:
    rows = [
        DocumentFactory.build(
            enterprise=enterprise,
            category=_CATEGORIES[n % len(_CATEGORIES)],
            description=f"Shipment {n:06d}: goods as per contract, packed on pallets.",
            file=file_name,
        )
        for n in range(count)
    ]
    Document.objects.bulk_create(rows, batch_size=_BATCH)


def _session_cookie(user: User, enterprise_id: int) -> str:
    """A real signed-in session: Django's login() run by the test client, stored in the shared session store,
    and recorded as a browser session the way the login view records it."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[ACTIVE_ENTERPRISE_SESSION_KEY] = enterprise_id
    session.save()
    session_key = session.session_key or ""
    user_session_record(user=user, session_key=session_key, ip_address=LOOPBACK, user_agent="C-pass bench")
    return session_key


def create(*, documents: int) -> BenchData:
    """Create the data set; a second tenant with as many documents makes the tenancy filter do work."""
    enterprise = EnterpriseFactory(name="Bench Trading Co., Ltd.")
    other = EnterpriseFactory(name="Other Tenant Ltd.")
    user = UserFactory(email="bench@example.com", name="Bench User")
    MembershipFactory(enterprise=enterprise, user=user, role="owner")

    stored = default_storage.save(f"documents/{enterprise.pk}/invoice.pdf", ContentFile(b"%PDF-1.4\n% C-pass bench\n"))
    _documents(enterprise, documents, stored)
    _documents(other, documents, stored)

    secret = make_api_token(user, enterprise, scopes=["documents:read"], expires_in=timedelta(days=1), name="bench")
    return BenchData(
        enterprise_id=enterprise.pk,
        documents=documents,
        other_tenant_documents=documents,
        api_token=secret,
        session_cookie=_session_cookie(user, enterprise.pk),
    )
