"""/api/v1/audit: the enterprise change log, one object's history and the caller's own access log."""

# No `from __future__ import annotations` here: ninja reads the annotations at import, through
# the @paginate wrapper whose module cannot resolve our names from strings.

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router
from ninja.pagination import paginate

from cpass.audit.models import AccessLog, ObjectChange
from cpass.audit.schemas import CHANGE_ORDERING, AuditAccessLogOut, AuditChangeFilterIn, AuditChangeOut
from cpass.audit.selectors import audited_object_for, enterprise_changes, my_access_log, object_history
from cpass.core.actor import Actor
from cpass.core.api import apply_ordering, request_actor
from cpass.core.errors import PermissionDenied, ValidationFailed

router = Router()


def _audit_reader(request: HttpRequest) -> Actor:
    actor = request_actor(request)
    if not actor.has_scope("audit", "read"):
        raise PermissionDenied(_("This API token lacks the audit:read scope."))
    return actor


def _aware(value: datetime | None) -> datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


@router.get("/changes", response=list[AuditChangeOut], summary="Enterprise change log")
@paginate
def audit_changes_list(request: HttpRequest, filters: Query[AuditChangeFilterIn]) -> QuerySet[ObjectChange]:
    """Changes to rows the active enterprise owns. Admins and owners only; others get 404."""
    actor = _audit_reader(request)
    since, until = _aware(filters.since), _aware(filters.until)
    if since is not None and until is not None and since >= until:
        raise ValidationFailed.on("until", _("Must be later than 'since'."))
    changes = enterprise_changes(
        actor=actor,
        object_type=filters.object_type,
        object_id=filters.object_id,
        user_id=filters.user_id,
        since=since,
        until=until,
    )
    return apply_ordering(changes, filters.ordering, CHANGE_ORDERING, "-time")


@router.get("/changes/{object_type}/{object_id}", response=list[AuditChangeOut], summary="History of one object")
@paginate
def audit_object_history(request: HttpRequest, object_type: str, object_id: str) -> QuerySet[ObjectChange]:
    """Every change to one object, if the actor may read that object; otherwise 404."""
    obj = audited_object_for(actor=_audit_reader(request), object_type=object_type, object_id=object_id)
    return object_history(obj=obj)


@router.get("/access-log", response=list[AuditAccessLogOut], summary="My access log")
@paginate
def audit_access_log(request: HttpRequest) -> QuerySet[AccessLog]:
    """The caller's own requests, newest first."""
    return my_access_log(user=_audit_reader(request).user)
