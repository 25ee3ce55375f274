"""/api/v1/account: the caller's own account, API tokens and browser sessions."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status

from cpass.accounts import selectors, services
from cpass.accounts.models import ApiToken, User, UserSession
from cpass.accounts.schemas import (
    AccountOut,
    AccountUpdateIn,
    ApiTokenCreatedOut,
    ApiTokenCreateIn,
    ApiTokenOut,
    UserSessionOut,
)
from cpass.core.actor import Actor
from cpass.core.api import request_actor
from cpass.core.errors import PermissionDenied
from cpass.core.idempotency import idempotent

router = Router()


def _require(actor: Actor, action: str) -> None:
    if not actor.has_scope("account", action):
        raise PermissionDenied(
            _("This token lacks the scope account:%(action)s.") % {"action": action},
        )


def _account_out(user: User) -> AccountOut:
    return AccountOut(
        id=user.pk,
        email=user.email,
        pending_email=user.pending_email,
        email_verified=user.is_verified,
        name=user.name,
        phone=user.phone,
        language=user.language,
        time_zone=user.time_zone,
        notify_by_email=user.notify_by_email,
        marketing_email=user.marketing_email,
        marketing_sms=user.marketing_sms,
        marketing_phone=user.marketing_phone,
        marketing_post=user.marketing_post,
        two_factor_enabled=selectors.has_two_factor(user=user),
        date_joined=user.date_joined,
    )


def _session_out(session: UserSession, current_key: str | None) -> UserSessionOut:
    return UserSessionOut(
        id=session.pk,
        ip_address=session.ip_address,
        user_agent=session.user_agent,
        created_at=session.created_at,
        last_seen_at=session.last_seen_at,
        current=session.session_key == current_key,
    )


@router.get("/me", response=AccountOut, summary="Your account")
def account_me(request: HttpRequest) -> AccountOut:
    actor = request_actor(request)
    _require(actor, "read")
    return _account_out(actor.user)


@router.patch("/me", response=AccountOut, summary="Change your personal settings")
def account_update(request: HttpRequest, payload: AccountUpdateIn) -> AccountOut:
    actor = request_actor(request)
    _require(actor, "write")
    user = services.user_update(user=actor.user, **payload.model_dump(exclude_unset=True))
    return _account_out(user)


@router.get("/tokens", response=list[ApiTokenOut], summary="Your API tokens (not revoked)")
def token_list(request: HttpRequest) -> list[ApiToken]:
    actor = request_actor(request)
    _require(actor, "read")
    return list(selectors.api_tokens_list(user=actor.user))


@router.post("/tokens", response={201: ApiTokenCreatedOut}, summary="Create an API token (browser session only)")
@idempotent
def token_create(request: HttpRequest, payload: ApiTokenCreateIn) -> Status[ApiToken]:
    actor = request_actor(request)
    token, secret = services.api_token_create(
        actor=actor,
        name=payload.name,
        enterprise_id=payload.enterprise,
        scopes=payload.scopes,
        expires_in_days=payload.expires_in_days,
    )
    token.secret = secret  # type: ignore[attr-defined]  # returned once, never stored
    return Status(201, token)


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke an API token")
def token_revoke(request: HttpRequest, token_id: int) -> Status[None]:
    actor = request_actor(request)
    _require(actor, "write")
    services.api_token_revoke(actor=actor, token_id=token_id)
    return Status(204, None)


@router.get("/sessions", response=list[UserSessionOut], summary="Your signed-in browser sessions")
def session_list(request: HttpRequest) -> list[UserSessionOut]:
    actor = request_actor(request)
    _require(actor, "read")
    current = request.session.session_key if actor.scopes is None else None
    return [_session_out(s, current) for s in selectors.user_sessions_list(user=actor.user)]


@router.delete("/sessions/{session_id}", response={204: None}, summary="Sign a browser session out")
def session_revoke(request: HttpRequest, session_id: int) -> Status[None]:
    actor = request_actor(request)
    _require(actor, "write")
    services.user_session_revoke(actor=actor, session_id=session_id)
    return Status(204, None)
