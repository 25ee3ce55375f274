"""Base models: timestamps and tenant ownership, with the one place tenancy is enforced."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from cpass.core.actor import Actor


class UnscopedQueryError(RuntimeError):
    """A tenant-owned queryset was evaluated without `for_actor()` or an explicit `unscoped()`."""


def created_by_field() -> models.ForeignKey[Any, Any]:
    """Who created the row; the row outlives the person's account (SET_NULL)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )


class TimeStampedModel(models.Model):
    """Creation and last-change times on every row."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class TenantQuerySet(models.QuerySet):
    """A queryset that refuses to run until it is scoped to an actor.

    `for_actor(actor, action)` limits rows to the enterprises the actor may act on for the
    model's module (its own enterprise plus partner grants). `unscoped()` is for system
    code that really spans tenants (background jobs by id, platform staff, migrations) and
    makes that choice visible in the code. Anything else fails closed with UnscopedQueryError.
    """

    _tenant_scoped: bool = False

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]
        clone._tenant_scoped = self._tenant_scoped
        return clone

    def _require_scope(self) -> None:
        if not self._tenant_scoped:
            raise UnscopedQueryError(
                f"{self.model.__name__} is tenant-owned: call .for_actor(actor, action) or .unscoped()"
            )

    def for_actor(self, actor: Actor, action: str = "read") -> Self:
        module = self.model.tenant_module  # type: ignore[attr-defined]
        field = self.model.tenant_field  # type: ignore[attr-defined]
        clone = self.filter(**{f"{field}__in": actor.enterprise_ids_for(module, action)})
        clone._tenant_scoped = True
        return clone

    def unscoped(self) -> Self:
        clone = self._chain()  # type: ignore[attr-defined]
        clone._tenant_scoped = True
        return clone

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._require_scope()
        super()._fetch_all()

    def count(self) -> int:
        self._require_scope()
        return super().count()

    def exists(self) -> bool:
        self._require_scope()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._require_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._require_scope()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._require_scope()
        return super().delete()

    def iterator(self, chunk_size: int | None = None) -> Any:
        self._require_scope()
        return super().iterator(chunk_size=chunk_size)


TenantManager = models.Manager.from_queryset(TenantQuerySet)


class TenantOwned(TimeStampedModel):
    """A row that belongs to one enterprise (tenant).

    Subclasses set `tenant_module` to the module key partner grants and token scopes use.
    `objects` is fail-closed (see TenantQuerySet); Django's internals (cascades,
    refresh_from_db) use the plain base manager, which Django builds separately.
    """

    tenant_module: ClassVar[str]
    tenant_field: ClassVar[str] = "enterprise"

    enterprise = models.ForeignKey(
        "organizations.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("enterprise")
    )

    objects = TenantManager()

    class Meta:
        abstract = True


class IdempotencyRecord(models.Model):
    """The stored answer to a POST sent with an Idempotency-Key, replayed when the key comes again.

    Keyed per user; a reused key with a different request body is a conflict. Purged after a day.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    body = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_user_key_unique")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"
