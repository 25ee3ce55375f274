from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cpass.accounts.tests.factories import UserFactory
from cpass.imports.models import ImportJob, ImportStatus
from cpass.organizations.tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_importers")]


@pytest.fixture
def staff():  # type: ignore[no-untyped-def]
    return UserFactory.create(is_staff=True)


def test_page_flow_upload_progress_issues_and_file(login, staff, django_capture_on_commit_callbacks) -> None:
    client = login(staff)
    assert "test-tables" in client.get(reverse("imports:create")).content.decode()
    form_page = client.get(reverse("imports:create"), {"kind": "test-tables"}).content.decode()
    assert "name_en" in form_page
    assert "Key prefix" in form_page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:create") + "?kind=test-tables",
            {
                "file": SimpleUploadedFile("t.csv", b"key,name_en\nA,Alpha\n??,Bad\n"),
                "option_prefix": "v-",
                "all_or_nothing": "on",
            },
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert ImportJob.objects.get().status == ImportStatus.REJECTED
    assert "“??” is not a valid key." in page
    assert "Nothing was saved" in page
    assert client.get(reverse("imports:progress", args=[job.pk])).status_code == 200
    download = client.get(reverse("imports:file", args=[job.pk]))
    assert b"".join(download.streaming_content) == b"key,name_en\nA,Alpha\n??,Bad\n"  # type: ignore[attr-defined]
    assert "t.csv" in client.get(reverse("imports:list")).content.decode()


def test_form_errors_are_inline(login, staff) -> None:
    client = login(staff)
    response = client.post(reverse("imports:create") + "?kind=test-tables", {"file": SimpleUploadedFile("t.doc", b"x")})
    assert response.status_code == 200
    assert "not a CSV, XLSX or JSON" in response.content.decode()


def test_non_staff_cannot_open_platform_importers(login, owner) -> None:
    client = login(owner)
    assert client.get(reverse("imports:create"), {"kind": "test-tables"}).status_code == 403
    assert "test-tables" not in client.get(reverse("imports:create")).content.decode()


def test_another_enterprise_run_is_a_404(login, enterprise, owner) -> None:
    other = EnterpriseFactory.create()
    job = ImportJob.objects.create(
        kind="test-enterprise-tables", enterprise=other, original_name="x.csv", size=1, file="imports/x.csv"
    )
    client = login(owner)
    for name in ("imports:detail", "imports:progress", "imports:file"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.get(f"/api/v1/imports/{job.pk}").status_code == 404


def test_api_upload_and_follow(login, staff, django_capture_on_commit_callbacks) -> None:
    client = login(staff)
    kinds = {i["kind"]: i for i in client.get("/api/v1/imports/importers").json()}
    assert kinds["test-tables"]["columns"][0] == {"name": "key", "required": True, "help": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/imports",
            {
                "kind": "test-tables",
                "file": SimpleUploadedFile("t.csv", b"key,name_en\nA,Alpha\n"),
                "options": json.dumps({"prefix": "api-"}),
            },
        )
    assert response.status_code == 202, response.content
    job = client.get(f"/api/v1/imports/{response.json()['id']}").json()
    assert (job["status"], job["written"], job["progress"]["fraction"]) == ("loaded", 1, 1.0)
    assert client.get("/api/v1/imports").json()["count"] == 1
    bad = client.post(
        "/api/v1/imports", {"kind": "test-tables", "file": SimpleUploadedFile("t.csv", b"k"), "options": "[1]"}
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "options"
