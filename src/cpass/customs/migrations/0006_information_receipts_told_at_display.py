"""That an information-only receipt changes nothing was stored in the language of the background job that
applied it; it is now told in the reader's language (GatewayReceipt.display_state_reason), so stored ones go."""

from django.db import migrations

#: The reason as the service stored it, in each language it ran in.
INFORMATION_ONLY = ("Information only; the status does not change.", "仅为通知，状态不变。")


def forget_stored_information_reasons(apps, schema_editor):  # type: ignore[no-untyped-def]
    GatewayReceipt = apps.get_model("customs", "GatewayReceipt")
    GatewayReceipt.objects.filter(state="applied", transition="", state_reason__in=INFORMATION_ONLY).update(
        state_reason=""
    )


class Migration(migrations.Migration):
    dependencies = [("customs", "0005_service_events_told_at_display")]

    operations = [migrations.RunPython(forget_stored_information_reasons, migrations.RunPython.noop)]
