from django.contrib import admin

from cpass.privacy.models import PolicyAcceptance


@admin.register(PolicyAcceptance)
class PolicyAcceptanceAdmin(admin.ModelAdmin):
    list_display = ("user", "version", "accepted_at", "ip_address")
    list_filter = ("version",)
    search_fields = ("user__email",)
    readonly_fields = ("user", "version", "accepted_at", "ip_address")
