"""The customs app's background jobs. The Huey consumer imports each app's `tasks` module to learn its jobs;
the customs jobs live with the gateway, so they are named here."""

from cpass.customs.gateway.tasks import declaration_send_task, revision_send_task, sandbox_customs_task

__all__ = ["declaration_send_task", "revision_send_task", "sandbox_customs_task"]
