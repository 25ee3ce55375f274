"""Logos are served publicly by name; uploaded documents never are (only through the download view)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from cpass.documents.tests.factories import DocumentFactory
from cpass.organizations.services import enterprise_logo_set


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "#0b5cab").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_logo_is_served_and_documents_are_not(owner, enterprise, make_actor) -> None:  # type: ignore[no-untyped-def]
    enterprise = enterprise_logo_set(
        actor=make_actor(owner, enterprise), upload=SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    )
    anonymous = Client()
    logo = anonymous.get(enterprise.logo.url)
    assert logo.status_code == 200
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")

    document = DocumentFactory.create(enterprise=enterprise)
    assert anonymous.get(f"/media/{document.file.name}").status_code == 404
    assert anonymous.get("/media/logos/../documents/x.png").status_code == 404
