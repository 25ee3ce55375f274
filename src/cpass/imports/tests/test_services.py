from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from cpass.accounts.tests.factories import UserFactory
from cpass.audit.models import ObjectChange
from cpass.core.errors import PermissionDenied, ValidationFailed
from cpass.imports import services
from cpass.imports.models import ImportJob, ImportStatus
from cpass.reference.models import CodeTable

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_importers")]


def upload(data: bytes, name: str = "tables.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def staff_actor(make_actor):  # type: ignore[no-untyped-def]
    return make_actor(UserFactory.create(is_staff=True))


def create_and_run(actor, data: bytes, capture, **kwargs) -> ImportJob:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        job = services.import_job_create(
            actor=actor,
            kind=kwargs.pop("kind", "test-tables"),
            file=upload(data),
            options=kwargs.pop("options", {"prefix": "s-"}),
            **kwargs,
        )
    job.refresh_from_db()
    return job


def test_staff_load_runs_after_commit(staff_actor, django_capture_on_commit_callbacks) -> None:
    job = create_and_run(staff_actor, b"key,name_en\nA,Alpha\nB,Beta\n", django_capture_on_commit_callbacks)
    assert (job.status, job.rows, job.written, job.enterprise_id) == (ImportStatus.LOADED, 2, 2, None)
    assert job.started_at
    assert job.finished_at
    assert CodeTable.objects.filter(key__in=["s-A", "s-B"]).count() == 2
    # The background run writes the change log as the person who uploaded the file.
    created = ObjectChange.objects.get(content_type__model="codetable", object_repr__startswith="s-A", action="create")
    assert created.user_id == staff_actor.user.pk


def test_bad_rows_reject_the_file_or_are_skipped(staff_actor, django_capture_on_commit_callbacks) -> None:
    data = b"key,name_en\nA,Alpha\n!!,Bad\n"
    job = create_and_run(staff_actor, data, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.REJECTED
    assert job.written == 0
    assert job.issues == [{"line": 3, "column": "key", "message": "“!!” is not a valid key."}]
    assert not CodeTable.objects.filter(key="s-A").exists()
    job = create_and_run(staff_actor, data, django_capture_on_commit_callbacks, all_or_nothing=False)
    assert job.status == ImportStatus.PARTLY_LOADED
    assert CodeTable.objects.filter(key="s-A").exists()


def test_a_refused_file_fails_with_the_reason(staff_actor, django_capture_on_commit_callbacks) -> None:
    job = create_and_run(staff_actor, b"name_en\nAlpha\n", django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.FAILED
    assert "Missing column(s): key" in job.error


def test_the_report_is_in_the_uploaders_language_not_the_workers(
    make_actor, django_capture_on_commit_callbacks
) -> None:
    chinese = make_actor(UserFactory.create(is_staff=True, language="zh-hans"))
    with translation.override("en"):  # the worker's language
        job = create_and_run(chinese, b"name_en\nAlpha\n", django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.FAILED
    assert job.error.startswith("缺少列：key")


def test_a_run_happens_once(staff_actor, django_capture_on_commit_callbacks) -> None:
    job = create_and_run(staff_actor, b"key,name_en\nA,Alpha\n", django_capture_on_commit_callbacks)
    assert services.import_job_run(job.pk) is None


def test_only_staff_load_reference_data(enterprise, owner, make_actor) -> None:
    with pytest.raises(PermissionDenied):
        services.import_job_create(
            actor=make_actor(owner, enterprise), kind="test-tables", file=upload(b"key,name_en\nA,B\n"), options={}
        )


def test_enterprise_kinds_need_the_module_write_role(
    enterprise, make_member, make_actor, django_capture_on_commit_callbacks
) -> None:
    viewer = make_member(enterprise, "viewer").user
    with pytest.raises(PermissionDenied):
        services.import_job_create(
            actor=make_actor(viewer, enterprise),
            kind="test-enterprise-tables",
            file=upload(b"key,name_en\nA,B\n"),
            options={},
        )
    operator = make_member(enterprise, "operator").user
    job = create_and_run(
        make_actor(operator, enterprise),
        b"key,name_en\nA,B\n",
        django_capture_on_commit_callbacks,
        kind="test-enterprise-tables",
        options={},
    )
    assert job.enterprise_id == enterprise.pk
    assert job.status == ImportStatus.LOADED
    assert CodeTable.objects.filter(key=f"e{enterprise.pk}-A").exists()


def test_upload_checks(staff_actor, settings) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.import_job_create(actor=staff_actor, kind="test-tables", file=upload(b""), options={})
    assert "file" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        services.import_job_create(actor=staff_actor, kind="test-tables", file=upload(b"x", "t.pdf"), options={})
    assert "file" in caught.value.errors
    settings.CPASS_MAX_IMPORT_BYTES = 10
    with pytest.raises(ValidationFailed, match="limit"):
        services.import_job_create(
            actor=staff_actor, kind="test-tables", file=upload(b"key,name_en\nA,B\n"), options={}
        )
    with pytest.raises(ValidationFailed) as caught:
        services.import_job_create(actor=staff_actor, kind="nope", file=upload(b"k"), options={})
    assert "kind" in caught.value.errors
    assert not ImportJob.objects.exists()


def test_command_line(tmp_path, capsys) -> None:
    good = tmp_path / "good.csv"
    good.write_text("key,name_en\nA,Alpha\n")
    call_command("import", "test-tables", str(good), "--option", "prefix=c-")
    assert CodeTable.objects.filter(key="c-A").exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("key,name_en\nZ,Zed\n!,Bad\n")
    with pytest.raises(SystemExit):
        call_command("import", "test-tables", str(bad), "--option", "prefix=c-")
    assert "bad.csv:3: key:" in capsys.readouterr().err
    assert not CodeTable.objects.filter(key="c-Z").exists()
