"""Which models are audited, and the signal receivers that write their change log.

Signals are used here and only here (STYLE rule 5): whatever code path saves a registered
model (service, admin, Huey task, management command), one ObjectChange row records it in
the same transaction. Bulk operations (QuerySet.update, bulk_create) send no signals and are
not captured; services that audit their data do not use them on registered models.
Imported from AuditConfig.ready(), once every model is loaded.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save

from cpass.accounts.models import User
from cpass.audit.models import ObjectChange
from cpass.core import context
from cpass.organizations.models import Enterprise

_BEFORE_ATTR = "_cpass_audit_before"


@dataclass(frozen=True)
class AuditedModel:
    """How one model is audited: the fields kept out of the log and where its tenant is."""

    model: type[models.Model]
    exclude: frozenset[str]
    #: Attribute holding the owning enterprise's id ("pk" for Enterprise itself); None: not tenant data.
    tenant_attname: str | None
    #: Field name -> the choices its JSON list holds codes of, so the log tells each code by its label.
    item_labels: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def fields(self) -> list[models.Field[Any, Any]]:
        # auto_now timestamps change on every save and would make every save look like a change.
        return [
            f
            for f in self.model._meta.concrete_fields
            if f.name not in self.exclude and not getattr(f, "auto_now", False)
        ]

    def enterprise_id(self, obj: models.Model) -> int | None:
        if self.tenant_attname is None:
            return None
        value = getattr(obj, self.tenant_attname)
        return int(value) if value is not None else None


_registry: dict[type[models.Model], AuditedModel] = {}


def _default_tenant_attname(model: type[models.Model]) -> str | None:
    tenant_field = getattr(model, "tenant_field", None)
    return None if tenant_field is None else _attname(model, tenant_field)


def _attname(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    return str(getattr(field, "attname", name))


def register(
    model: type[models.Model],
    *,
    exclude: Iterable[str] = (),
    tenant: str | None = "",
    item_labels: dict[str, Any] | None = None,
) -> None:
    """Audit every save and delete of `model`.

    `exclude` lists fields never written to the log (secrets, noisy timestamps). `tenant` names
    the field of the owning enterprise ("pk" when the model is the enterprise; None for
    platform-wide rows); by default a TenantOwned model's `tenant_field`. `item_labels` gives, for a
    JSON field holding a list of codes, the choices whose labels the log shows.
    """
    attname = _default_tenant_attname(model) if tenant == "" else tenant
    if attname is not None and attname != "pk":
        attname = _attname(model, attname)
    _registry[model] = AuditedModel(
        model=model, exclude=frozenset(exclude), tenant_attname=attname, item_labels=dict(item_labels or {})
    )
    uid = f"cpass-audit-{model._meta.label_lower}"
    pre_save.connect(_on_pre_save, sender=model, dispatch_uid=f"{uid}-pre")
    post_save.connect(_on_post_save, sender=model, dispatch_uid=f"{uid}-post")
    post_delete.connect(_on_post_delete, sender=model, dispatch_uid=f"{uid}-delete")


def audited(model: type[models.Model]) -> AuditedModel | None:
    return _registry.get(model)


def audited_by_label(label: str) -> AuditedModel | None:
    """The audited model for an "app_label.model" label, or None."""
    for entry in _registry.values():
        if entry.label == label.lower():
            return entry
    return None


def audited_models() -> list[AuditedModel]:
    return sorted(_registry.values(), key=lambda entry: entry.label)


def json_value(value: Any) -> Any:
    if isinstance(value, FieldFile):
        return value.name or ""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(entry: AuditedModel, obj: models.Model) -> dict[str, Any]:
    """Concrete field values as JSON: foreign keys as ids, files as names, dates as ISO strings."""
    return {f.name: json_value(getattr(obj, f.attname)) for f in entry.fields()}


def _on_pre_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    entry = _registry.get(sender)
    if entry is None or instance._state.adding or instance.pk is None:
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    setattr(instance, _BEFORE_ATTR, snapshot(entry, old) if old is not None else None)


def _on_post_save(
    sender: type[models.Model],
    instance: models.Model,
    created: bool,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    entry = _registry.get(sender)
    if entry is None:
        return
    before_all = instance.__dict__.pop(_BEFORE_ATTR, None)
    after_all = snapshot(entry, instance)
    if created or before_all is None:
        _write(entry, instance, "create", None, after_all, origin=None)
        return
    names = {f.name for f in entry.fields()}
    if update_fields is not None:
        names &= {sender._meta.get_field(name).name for name in update_fields}
    changed = sorted(name for name in names if before_all.get(name) != after_all.get(name))
    if changed:
        before = {name: before_all.get(name) for name in changed}
        after = {name: after_all[name] for name in changed}
        _write(entry, instance, "update", before, after, origin=None)


def _on_post_delete(sender: type[models.Model], instance: models.Model, origin: Any = None, **kwargs: Any) -> None:
    entry = _registry.get(sender)
    if entry is not None:
        _write(entry, instance, "delete", snapshot(entry, instance), None, origin=origin)


def _deleted_with(origin: Any, model_label: str, pk: int | None) -> bool:
    """Whether row `pk` of `model_label` is being deleted in this same delete() call.

    Change rows must not point at such a row: its foreign key would dangle once it is gone.
    """
    if pk is None or origin is None:
        return False
    if isinstance(origin, models.QuerySet):
        return bool(origin.model._meta.label_lower == model_label)
    return bool(origin._meta.label_lower == model_label and origin.pk == pk)


@dataclass(frozen=True, slots=True)
class ChangeAuthor:
    """Who a change-log row says made the change: the acting user (id and "Name <email>" as they are now), the
    enterprise they act from and the request, from the audit context."""

    user_id: int | None
    user_repr: str
    actor_enterprise_id: int | None
    request_id: str


def change_author() -> ChangeAuthor:
    """The author of changes made now; a user or enterprise that no longer exists is recorded as nobody."""
    current = context.current()
    user_id: int | None = current["user_id"]
    row = User.objects.filter(pk=user_id).values_list("name", "email").first() if user_id is not None else None
    actor_enterprise_id: int | None = current["enterprise_id"]
    if actor_enterprise_id is not None and not Enterprise.objects.filter(pk=actor_enterprise_id).exists():
        actor_enterprise_id = None
    return ChangeAuthor(
        user_id=user_id if row else None,
        user_repr=f"{row[0]} <{row[1]}>" if row else "",
        actor_enterprise_id=actor_enterprise_id,
        request_id=current["request_id"][:64],
    )


def _write(
    entry: AuditedModel,
    instance: models.Model,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    origin: Any,
) -> None:
    author = change_author()
    user_id, user_repr, actor_enterprise_id = author.user_id, author.user_repr, author.actor_enterprise_id
    if isinstance(instance, User) and instance.pk == context.current()["user_id"]:
        user_id, user_repr = instance.pk, str(instance)  # the acting user's own row, maybe just deleted
    enterprise_id = entry.enterprise_id(instance)
    if _deleted_with(origin, "accounts.user", user_id):
        user_id = None
    if _deleted_with(origin, "organizations.enterprise", enterprise_id):
        enterprise_id = None
    if _deleted_with(origin, "organizations.enterprise", actor_enterprise_id):
        actor_enterprise_id = None
    ObjectChange.objects.create(
        user_id=user_id,
        user_repr=user_repr,
        enterprise_id=enterprise_id,
        actor_enterprise_id=actor_enterprise_id,
        request_id=author.request_id,
        action=action,
        content_type=ContentType.objects.get_for_model(entry.model),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        before=before,
        after=after,
    )


def record_bulk(
    model: type[models.Model],
    changes: Iterable[tuple[models.Model, str, dict[str, Any] | None, dict[str, Any] | None]],
) -> int:
    """Change-log rows for writes that bypass save() (an importer's bulk_create/bulk_update), in one insert.

    `changes` are (row, "create" | "update", before, after) with the same shapes the signals write; the
    acting user and request come from the audit context, as for a single save.
    """
    entry = _registry.get(model)
    if entry is None:
        return 0
    author = change_author()
    content_type = ContentType.objects.get_for_model(entry.model)
    rows = [
        ObjectChange(
            user_id=author.user_id,
            user_repr=author.user_repr,
            enterprise_id=entry.enterprise_id(instance),
            actor_enterprise_id=author.actor_enterprise_id,
            request_id=author.request_id,
            action=action,
            content_type=content_type,
            object_id=str(instance.pk),
            object_repr=str(instance)[:300],
            before=before,
            after=after,
        )
        for instance, action, before, after in changes
    ]
    ObjectChange.objects.bulk_create(rows, batch_size=500)
    return len(rows)
