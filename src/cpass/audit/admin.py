"""Read-only views of the audit logs for platform staff: nobody edits history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cpass.audit.models import AccessLog, ObjectChange


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ObjectChange)
class ObjectChangeAdmin(ReadOnlyAdmin):
    list_display = ("time", "action", "content_type", "object_id", "object_repr", "user_repr", "enterprise_id")
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "user_repr", "request_id", "object_id")
    date_hierarchy = "time"
    list_select_related = ("content_type",)


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("time", "method", "path", "status", "user_id", "ip_address", "browser", "operating_system")
    list_filter = ("method", "status")
    search_fields = ("path", "request_id", "ip_address")
    date_hierarchy = "time"
