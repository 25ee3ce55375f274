"""Background jobs of products: teach the classification assistant the codes an import confirmed."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from cpass.accounts.models import User
from cpass.organizations.selectors import actor_for
from cpass.products import services


@db_task(retries=2, retry_delay=60)
def product_learn_classifications_task(user_id: int, enterprise_id: int, product_ids: list[int]) -> int:
    """Idempotent (learning again replaces the same rows); a user who left or was disabled learns nothing."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    actor = actor_for(user=user, enterprise_id=enterprise_id)
    return services.product_learn_classifications(actor=actor, product_ids=product_ids)
