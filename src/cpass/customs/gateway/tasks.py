"""Background jobs of the customs gateway: send a submitted declaration or a request to amend or withdraw one, and
the sandbox customs' steps.

Thin and idempotent: each takes ids, calls a service, and schedules what the service asks for next.
"""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from cpass.customs.gateway import services
from cpass.customs.gateway.base import FollowUp


def _schedule(follow: FollowUp | None) -> None:
    if follow is None:
        return
    if follow.delay <= 0:
        sandbox_customs_task(follow.submission_id, follow.step, follow.polls)
    else:
        sandbox_customs_task.schedule((follow.submission_id, follow.step, follow.polls), delay=follow.delay)


@db_task(retries=3, retry_delay=60)
def declaration_send_task(declaration_id: int) -> None:
    """Send a submitted declaration through its gateway (enqueued on commit of the "submit" transition)."""
    result = services.declaration_send(declaration_id=declaration_id)
    if result is not None:
        _schedule(result[1])


@db_task(retries=3, retry_delay=60)
def revision_send_task(request_id: int) -> None:
    """Send an amendment or withdrawal request through its declaration's gateway (enqueued on commit of filing)."""
    result = services.revision_send(request_id=request_id)
    if result is not None:
        _schedule(result[1])


@db_task(retries=2, retry_delay=30)
def sandbox_customs_task(submission_id: int, step: int, polls: int = 0) -> None:
    """One step of the sandbox customs: send its next receipt, or look again whether the duties were paid."""
    _schedule(services.sandbox_step(submission_id=submission_id, step=step, polls=polls))
