"""Reads of the change log and the access log, each scoped to what the caller may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cpass.accounts.models import ApiToken, User
from cpass.audit.models import AccessLog, ChangeAction, ObjectChange
from cpass.audit.registry import AuditedModel, audited, audited_by_label
from cpass.core.actor import Actor
from cpass.core.errors import NotFound
from cpass.core.models import TenantQuerySet
from cpass.organizations.models import Enterprise, Membership


def can_read_enterprise_changes(*, actor: Actor) -> bool:
    """Admins and owners of the active enterprise (and tokens with audit:read) read its change log."""
    return actor.enterprise is not None and actor.role_allows("manage") and actor.has_scope("audit", "read")


def object_history(*, obj: models.Model) -> QuerySet[ObjectChange]:
    """Every change to `obj`, newest first. The caller has already fetched `obj` through tenancy."""
    return (
        ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
        .select_related("content_type")
        .order_by("-time", "-id")
    )


def enterprise_changes(
    *,
    actor: Actor,
    object_type: str | None = None,
    object_id: str | None = None,
    user_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[ObjectChange]:
    """Changes to rows the actor's active enterprise owns; NotFound unless the actor administers it."""
    if not can_read_enterprise_changes(actor=actor):
        raise NotFound(_("No such object, or you have no access to it."))
    changes = ObjectChange.objects.filter(enterprise=actor.enterprise)
    if object_type:
        entry = audited_by_label(object_type)
        if entry is None:
            return ObjectChange.objects.none()
        changes = changes.filter(content_type=ContentType.objects.get_for_model(entry.model))
    if object_id:
        changes = changes.filter(object_id=object_id)
    if user_id is not None:
        changes = changes.filter(user_id=user_id)
    if since is not None:
        changes = changes.filter(time__gte=since)
    if until is not None:
        changes = changes.filter(time__lt=until)
    return changes.select_related("content_type").order_by("-time", "-id")


def enterprise_change_users(*, actor: Actor) -> QuerySet[User]:
    """People who appear in the enterprise's change log or belong to it (the log's user filter)."""
    if not can_read_enterprise_changes(actor=actor):
        return User.objects.none()
    in_log = ObjectChange.objects.filter(enterprise=actor.enterprise, user__isnull=False).values("user_id")
    members = Membership.objects.filter(enterprise=actor.enterprise).values("user_id")
    return User.objects.filter(Q(pk__in=in_log) | Q(pk__in=members)).order_by("name", "email")


def my_access_log(*, user: User) -> QuerySet[AccessLog]:
    """The user's own requests, newest first ("see your data" in the privacy policy)."""
    return AccessLog.objects.filter(user_id=user.pk).order_by("-time", "-id")


def my_changes(*, user: User) -> QuerySet[ObjectChange]:
    """Changes to the user's own account: the user row and the user's API tokens."""
    token_type = ContentType.objects.get_for_model(ApiToken)
    token_ids = ObjectChange.objects.filter(
        content_type=token_type, action=ChangeAction.CREATE, after__user=user.pk
    ).values("object_id")
    return (
        ObjectChange.objects.filter(
            Q(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk))
            | Q(content_type=token_type, object_id__in=token_ids)
        )
        .select_related("content_type")
        .order_by("-time", "-id")
    )


def audited_object_for(*, actor: Actor, object_type: str, object_id: str) -> models.Model:
    """The audited object named by "app_label.model" and id, if the actor may read it; else NotFound.

    Tenant-owned rows go through their TenantQuerySet; an enterprise through membership;
    memberships, invitations and grants need the manage role in their enterprise; a user
    and API tokens only their own.
    """
    not_found = NotFound(_("No such object, or you have no access to it."))
    entry = audited_by_label(object_type)
    if entry is None or not actor.has_scope("audit", "read"):
        raise not_found
    try:
        pk = entry.model._meta.pk.to_python(object_id)  # type: ignore[union-attr]
    except ValidationError:
        raise not_found from None
    obj = _readable(actor, entry, pk)
    if obj is None:
        raise not_found
    return obj


def _readable(actor: Actor, entry: AuditedModel, pk: Any) -> models.Model | None:
    model = entry.model
    manager_queryset = model._default_manager.all()
    if isinstance(manager_queryset, TenantQuerySet):
        return manager_queryset.for_actor(actor, "read").filter(pk=pk).first()
    if model is Enterprise:
        if not Membership.objects.filter(user=actor.user, enterprise_id=pk).exists():
            return None
        return Enterprise.objects.filter(pk=pk).first()
    if model is User:
        return actor.user if actor.user.pk == pk else None
    if model is ApiToken:
        return ApiToken.objects.filter(pk=pk, user=actor.user).first()
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None or entry.enterprise_id(obj) != actor.enterprise_id or not actor.role_allows("manage"):
        return None
    return obj


@dataclass(frozen=True)
class FieldChange:
    """One field of one change, ready to show: translated label and display values."""

    name: str
    label: str | Promise
    before: str
    after: str
    has_before: bool
    has_after: bool


def user_timezone(user: Any) -> tzinfo:
    """The user's own time zone, or the site's when it is unset or unknown."""
    try:
        return ZoneInfo(getattr(user, "time_zone", "") or "")
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


def _display(field: models.Field[Any, Any] | None, value: Any, tz: tzinfo, item_labels: Any = None) -> str:
    """A logged value as a person reads it: choices by label (also codes in a JSON list with `item_labels`),
    times in `tz`, lists joined, mappings as "key: value" in key order (PostgreSQL's
    jsonb does not keep the order keys were written in)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if field is not None and field.choices:
        labels = {str(k): v for k, v in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if field is not None and isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return date_format(
                timezone.localtime(moment, tz) if timezone.is_aware(moment) else moment, "DATETIME_FORMAT"
            )
        except ValueError:
            return value
    if isinstance(value, list):
        labels = {str(k): v for k, v in item_labels or ()}
        return ", ".join(str(labels.get(str(item), item)) for item in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {value[key]}" for key in sorted(value)) or "—"
    return str(value)


#: (related model, primary key as text) -> (its text, its enterprise id when it is tenant-owned).
ReferencedNames = dict[tuple[type[models.Model], str], tuple[str, int | None]]


def _logged_fields(change: ObjectChange) -> list[tuple[str, models.Field[Any, Any] | None]]:
    """(name, model field or None) of every value the change recorded, in name order, excluded fields left out."""
    model = change.content_type.model_class()
    entry = audited(model) if model is not None else None
    names = sorted(set(change.before or {}) | set(change.after or {}))
    fields = []
    for name in names:
        if entry is not None and name in entry.exclude:
            continue
        field: models.Field[Any, Any] | None = None
        if model is not None:
            try:
                found = model._meta.get_field(name)
            except FieldDoesNotExist:  # a field removed since the change was logged
                found = None
            field = found if isinstance(found, models.Field) else None
        fields.append((name, field))
    return fields


def referenced_names(changes: list[ObjectChange]) -> ReferencedNames:
    """The text of every row the changes' foreign keys point at, one query per related model (a log page names
    "上海东方进出口贸易有限公司" or "陈静 Chen Jing" instead of ids)."""
    wanted: dict[type[models.Model], set[Any]] = {}
    for change in changes:
        for name, field in _logged_fields(change):
            if field is None or not field.many_to_one or field.related_model is None:
                continue
            related = field.related_model
            assert isinstance(related, type)
            for values in (change.before or {}, change.after or {}):
                if values.get(name) is None:
                    continue
                try:
                    key = related._meta.pk.to_python(values[name])  # type: ignore[union-attr]
                except ValidationError:  # not an id of that table: shown as it was logged
                    continue
                wanted.setdefault(related, set()).add(key)
    names: ReferencedNames = {}
    enterprise_ids = {change.enterprise_id for change in changes if change.enterprise_id is not None}
    for related, keys in wanted.items():
        rows: QuerySet[Any] = related._default_manager.all()
        owner = getattr(related, "tenant_field", None)
        if isinstance(rows, TenantQuerySet):
            # Only the rows of the enterprises whose log this is: another tenant's row is never even read.
            rows = rows.unscoped().filter(**{f"{owner}_id__in": enterprise_ids})
        for obj in rows.filter(pk__in=keys):
            enterprise_id = getattr(obj, f"{owner}_id", None) if owner else None
            names[(related, str(obj.pk))] = (str(obj), enterprise_id)
    return names


def _reference(
    field: models.Field[Any, Any] | None, value: Any, change: ObjectChange, names: ReferencedNames | None
) -> str | None:
    """The referenced row's text, or None to show the id: unknown, deleted, or another enterprise's row (the log
    of one enterprise never shows another's data, even by name)."""
    if names is None or field is None or not field.many_to_one or value is None:
        return None
    found = names.get((field.related_model, str(value)))  # type: ignore[arg-type]
    if found is None:
        return None
    text, enterprise_id = found
    if enterprise_id is not None and enterprise_id != change.enterprise_id:
        return None
    return text


def field_changes(
    change: ObjectChange, *, tz: tzinfo | None = None, names: ReferencedNames | None = None
) -> list[FieldChange]:
    """The per-field before → after of a change, with each field's verbose name; times shown in `tz`; foreign
    keys by the text of the row they point at when `names` (from `referenced_names`) has it."""
    tz = tz or timezone.get_current_timezone()
    before = change.before or {}
    after = change.after or {}
    rows = []
    model = change.content_type.model_class()
    entry = audited(model) if model is not None else None
    item_labels = entry.item_labels if entry is not None else {}
    for name, field in _logged_fields(change):
        shown = []
        for values in (before, after):
            value = values.get(name)
            shown.append(_reference(field, value, change, names) or _display(field, value, tz, item_labels.get(name)))
        rows.append(
            FieldChange(
                name=name,
                label=field.verbose_name if field is not None else name,
                before=shown[0],
                after=shown[1],
                has_before=name in before,
                has_after=name in after,
            )
        )
    return rows


def changes_with_fields(changes: Any, *, tz: tzinfo | None = None) -> list[tuple[ObjectChange, list[FieldChange]]]:
    """Each change of a page with its field changes, the rows its foreign keys name read in one query per model."""
    listed = list(changes)
    names = referenced_names(listed)
    return [(change, field_changes(change, tz=tz, names=names)) for change in listed]
