"""Reads of documents: always through Document.objects.for_actor, so partners see only what was granted."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cpass.core.actor import Actor
from cpass.core.api import apply_ordering
from cpass.core.errors import NotFound, PermissionDenied
from cpass.documents.models import Document
from cpass.organizations.models import Enterprise

#: Fields a list may be ordered by (`?ordering=-created_at,title`).
DOCUMENT_ORDERING = ("created_at", "updated_at", "title", "category", "size", "enterprise__name")


def document_list(
    *,
    actor: Actor,
    enterprise_id: int | None = None,
    category: str | None = None,
    q: str | None = None,
    ordering: str | None = None,
) -> QuerySet[Document]:
    """Every document the actor may read (its own enterprise's and its clients' shared ones), filtered."""
    documents = Document.objects.for_actor(actor, "read").select_related("enterprise", "uploaded_by")
    if enterprise_id is not None:
        documents = documents.filter(enterprise_id=enterprise_id)
    if category:
        documents = documents.filter(category=category)
    if q:
        documents = documents.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return apply_ordering(documents, ordering, DOCUMENT_ORDERING, "-created_at")


def document_get(*, actor: Actor, document_id: int, action: str = "read") -> Document:
    """One document, or NotFound when the actor cannot see it (another tenant's looks absent).

    Asking to write a document one can only read is PermissionDenied: its existence is no secret then.
    """
    document = (
        Document.objects.for_actor(actor, action)
        .select_related("enterprise", "uploaded_by")
        .filter(pk=document_id)
        .first()
    )
    if document is not None:
        return document
    if action != "read" and Document.objects.for_actor(actor, "read").filter(pk=document_id).exists():
        raise PermissionDenied(_("You may read this document but not change it."))
    raise NotFound(_("No such document, or you have no access to it."))


def readable_enterprises(*, actor: Actor) -> QuerySet[Enterprise]:
    """Enterprises whose documents the actor sees: for the list's owner filter."""
    return Enterprise.objects.filter(pk__in=actor.enterprise_ids_for("documents", "read")).order_by("name")


def writable_enterprises(*, actor: Actor) -> QuerySet[Enterprise]:
    """Enterprises the actor may upload documents for: its own (operator and up) and write grants."""
    return Enterprise.objects.filter(pk__in=actor.enterprise_ids_for("documents", "write")).order_by("name")
