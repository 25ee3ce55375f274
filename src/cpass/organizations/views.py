"""Enterprise pages: the active enterprise's tabs, members, invitations, partners; creating and switching."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cpass.audit.selectors import object_history
from cpass.core.actor import Actor
from cpass.core.errors import NotFound, ServiceError
from cpass.core.forms import add_service_error
from cpass.organizations import selectors, services
from cpass.organizations.choices import InvitationStatus, Role
from cpass.organizations.forms import (
    EnterpriseForm,
    GrantForm,
    InviteForm,
    LogoForm,
    RoleForm,
    TransferForm,
)
from cpass.organizations.middleware import ACTIVE_ENTERPRISE_SESSION_KEY
from cpass.organizations.models import Invitation, Membership


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def _tab_context(actor: Actor, tab: str, **extra: Any) -> dict[str, Any]:
    return {
        "enterprise": actor.enterprise,
        "tab": tab,
        "can_manage": actor.role_allows("manage"),
        "is_owner": actor.role == Role.OWNER,
        "role_label": Role(actor.role).label if actor.role else "",
        **extra,
    }


# ---------------------------------------------------------------- create and switch


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request: HttpRequest) -> HttpResponse:
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            request.session[ACTIVE_ENTERPRISE_SESSION_KEY] = enterprise.pk
            messages.success(request, _("%(name)s has been created. You are its owner.") % {"name": enterprise.name})
            return redirect("organizations:detail")
    return render(request, "organizations/create.html", {"form": form})


@login_required
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    """Make another of the user's enterprises the active one (remembered in the session)."""
    try:
        enterprise_id = int(request.POST.get("enterprise", ""))
    except ValueError:
        raise Http404(_("No such enterprise, or you are not a member of it.")) from None
    membership = selectors.memberships_for_user(user=request.user).filter(enterprise_id=enterprise_id).first()  # type: ignore[arg-type]
    if membership is None:
        raise Http404(_("No such enterprise, or you are not a member of it."))
    request.session[ACTIVE_ENTERPRISE_SESSION_KEY] = membership.enterprise_id
    return redirect("core:dashboard")


# ---------------------------------------------------------------- overview


@login_required
@require_GET
def detail(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if actor.enterprise is None:
        return redirect("organizations:create")
    selectors.require(actor, "read")
    return render(request, "organizations/detail.html", _tab_context(actor, "overview", logo_form=LogoForm()))


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    enterprise = selectors.require(actor, "manage")
    initial = {field: getattr(enterprise, field) for field in EnterpriseForm.base_fields}
    form = EnterpriseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        try:
            services.enterprise_update(actor=actor, **changes)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The enterprise details have been saved."))
            return redirect("organizations:detail")
    return render(request, "organizations/edit.html", _tab_context(actor, "overview", form=form))


@login_required
@require_POST
def logo_upload(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    selectors.require(actor, "manage")
    form = LogoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.enterprise_logo_set(actor=actor, upload=form.cleaned_data["logo"])
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The logo has been updated."))
            return redirect("organizations:detail")
    return render(request, "organizations/detail.html", _tab_context(actor, "overview", logo_form=form), status=422)


@login_required
@require_POST
def logo_remove(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    selectors.require(actor, "manage")
    services.enterprise_logo_remove(actor=actor)
    messages.success(request, _("The logo has been removed."))
    return redirect("organizations:detail")


# ---------------------------------------------------------------- members


def _members_context(actor: Actor, **extra: Any) -> dict[str, Any]:
    members = list(selectors.enterprise_memberships(actor=actor))
    others = [(m.pk, f"{m.user.name} <{m.user.email}>") for m in members if m.user_id != actor.user.pk]
    return _tab_context(
        actor,
        "members",
        members=[_member_row(actor, m) for m in members],
        transfer_form=extra.pop("transfer_form", None) or TransferForm(members=others),
        **extra,
    )


def _member_row(actor: Actor, membership: Membership, form: RoleForm | None = None) -> dict[str, Any]:
    """A member with whether the actor may change them (the same rule the services enforce)."""
    editable = (
        actor.role_allows("manage")
        and membership.user_id != actor.user.pk
        and membership.role != Role.OWNER
        and (membership.role != Role.ADMIN or actor.role == Role.OWNER)
    )
    choices = [c for c in Role.choices if c[0] != Role.OWNER and (c[0] != Role.ADMIN or actor.role == Role.OWNER)]
    role_form = form or RoleForm(initial={"role": membership.role}, prefix=f"m{membership.pk}")
    role_form.fields["role"].choices = choices  # type: ignore[attr-defined]
    return {
        "membership": membership,
        "editable": editable,
        "form": role_form,
        "is_me": membership.user_id == actor.user.pk,
    }


@login_required
@require_GET
def members(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    selectors.require(actor, "read")
    return render(request, "organizations/members.html", _members_context(actor))


def _own_membership(actor: Actor, membership_id: int) -> Membership:
    membership = selectors.enterprise_memberships(actor=actor).filter(pk=membership_id).select_related("user").first()
    if membership is None:
        raise Http404(_("No such member in this enterprise."))
    return membership


@login_required
@require_POST
def member_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Change a member's role; HTMX swaps just the row, a plain post redirects back to the list."""
    actor = _actor(request)
    selectors.require(actor, "manage")
    membership = _own_membership(actor, membership_id)
    form = RoleForm(request.POST, prefix=f"m{membership.pk}")
    row = _member_row(actor, membership, form)
    if form.is_valid():
        try:
            membership = services.membership_change_role(
                actor=actor, membership_id=membership.pk, role=form.cleaned_data["role"]
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            row = _member_row(actor, membership)
            row["saved"] = True
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, _("The role has been changed."))
                return redirect("organizations:members")
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "organizations/_member_row.html", {"row": row, "can_manage": True})
    return render(request, "organizations/members.html", _members_context(actor), status=422)


@login_required
@require_POST
def member_remove(request: HttpRequest, membership_id: int) -> HttpResponse:
    actor = _actor(request)
    selectors.require(actor, "manage")
    membership = _own_membership(actor, membership_id)
    try:
        services.membership_remove(actor=actor, membership_id=membership.pk)
    except ServiceError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("%(name)s has been removed from the enterprise.") % {"name": membership.user.name})
    return redirect("organizations:members")


@login_required
@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    enterprise = selectors.require(actor, "read")
    try:
        services.membership_leave(actor=actor)
    except ServiceError as exc:
        messages.error(request, str(exc.detail))
        return redirect("organizations:members")
    request.session.pop(ACTIVE_ENTERPRISE_SESSION_KEY, None)
    messages.success(request, _("You have left %(name)s.") % {"name": enterprise.name})
    return redirect("core:dashboard")


@login_required
@require_POST
def transfer(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    selectors.require(actor, "own")
    others = [(m.pk, str(m.pk)) for m in selectors.enterprise_memberships(actor=actor) if m.user_id != actor.user.pk]
    form = TransferForm(request.POST, members=others)
    if form.is_valid():
        try:
            target = services.enterprise_transfer_ownership(actor=actor, membership_id=form.cleaned_data["membership"])
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s is now the owner.") % {"name": target.user.name})
            return redirect("organizations:members")
    members_all = [(m.pk, f"{m.user.name} <{m.user.email}>") for m in selectors.enterprise_memberships(actor=actor)]
    form.fields["membership"].choices = [c for c in members_all if c[0] in dict(others)]  # type: ignore[attr-defined]
    return render(request, "organizations/members.html", _members_context(actor, transfer_form=form), status=422)


# ---------------------------------------------------------------- invitations (enterprise side)


def _invitations_context(actor: Actor, form: InviteForm | None = None, **extra: Any) -> dict[str, Any]:
    invite_form = form or InviteForm()
    if actor.role != Role.OWNER:
        invite_form.fields["role"].choices = [  # type: ignore[attr-defined]
            c for c in Role.choices if c[0] not in {Role.OWNER, Role.ADMIN}
        ]
    return _tab_context(
        actor,
        "invitations",
        invitations=list(selectors.enterprise_invitations(actor=actor, pending_only=False)[:100]),
        invite_form=invite_form,
        pending=InvitationStatus.PENDING,
        **extra,
    )


@login_required
@require_GET
def invitations(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    selectors.require(actor, "manage")
    return render(request, "organizations/invitations.html", _invitations_context(actor))


@login_required
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    """Send an invitation. With HTMX only the invitations panel is re-rendered."""
    actor = _actor(request)
    selectors.require(actor, "manage")
    form = InviteForm(request.POST)
    sent_to = ""
    if form.is_valid():
        try:
            invitation, _token = services.invitation_create(actor=actor, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            sent_to = invitation.email
            form = InviteForm()
    status = 200 if not form.errors else 422
    if request.htmx:  # type: ignore[attr-defined]
        # HTMX does not swap 4xx responses by default; the panel carries the errors itself.
        return render(
            request, "organizations/_invitations_panel.html", _invitations_context(actor, form, sent_to=sent_to)
        )
    if sent_to:
        messages.success(request, _("An invitation has been sent to %(email)s.") % {"email": sent_to})
        return redirect("organizations:invitations")
    return render(request, "organizations/invitations.html", _invitations_context(actor, form), status=status)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    actor = _actor(request)
    selectors.require(actor, "manage")
    try:
        invitation = services.invitation_revoke(actor=actor, invitation_id=invitation_id)
    except NotFound:
        raise  # absent (or another tenant's): Django answers 404
    except ServiceError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email})
    return redirect("organizations:invitations")


# ---------------------------------------------------------------- partners and history


def _partners_context(actor: Actor, form: GrantForm | None = None) -> dict[str, Any]:
    return _tab_context(
        actor,
        "partners",
        given=list(selectors.grants_given(actor=actor)),
        received=list(selectors.grants_received(actor=actor)),
        grant_form=form or GrantForm(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def partners(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    selectors.require(actor, "read" if request.method == "GET" else "manage")
    form = GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.partner_grant_create(actor=actor, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(partner)s now has %(access)s access to %(module)s.")
                % {"partner": grant.grantee.name, "access": grant.get_access_display(), "module": grant.module_label},
            )
            return redirect("organizations:partners")
    status = 422 if form.errors else 200
    return render(
        request, "organizations/partners.html", _partners_context(actor, form if form.is_bound else None), status=status
    )


@login_required
@require_POST
def grant_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    actor = _actor(request)
    selectors.require(actor, "manage")
    try:
        grant = services.partner_grant_revoke(actor=actor, grant_id=grant_id)
    except NotFound:
        raise  # absent (or another tenant's): Django answers 404
    except ServiceError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("Access for %(partner)s has been revoked.") % {"partner": grant.grantee.name})
    return redirect("organizations:partners")


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    enterprise = selectors.require(actor, "manage")
    return render(
        request, "organizations/history.html", _tab_context(actor, "history", changes=object_history(obj=enterprise))
    )


# ---------------------------------------------------------------- invitations (invitee side)


@login_required
@require_GET
def my_invitations(request: HttpRequest) -> HttpResponse:
    pending = selectors.pending_invitations_for_user(user=request.user).order_by("-created_at")  # type: ignore[arg-type]
    return render(request, "organizations/my_invitations.html", {"invitations": pending})


@login_required
@require_POST
def my_invitation_answer(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """Accept or decline (POST `answer`) one of the user's pending invitations."""
    answer = request.POST.get("answer")
    try:
        if answer == "accept":
            membership = services.invitation_accept_pending(user=request.user, invitation_id=invitation_id)  # type: ignore[arg-type]
        else:
            services.invitation_decline_pending(user=request.user, invitation_id=invitation_id)  # type: ignore[arg-type]
    except NotFound:
        raise  # absent (or another tenant's): Django answers 404
    except ServiceError as exc:
        messages.error(request, str(exc.detail))
        return redirect("organizations:my_invitations")
    if answer == "accept":
        request.session[ACTIVE_ENTERPRISE_SESSION_KEY] = membership.enterprise_id
        messages.success(request, _("Welcome to %(name)s.") % {"name": membership.enterprise.name})
        return redirect("organizations:detail")
    messages.success(request, _("The invitation has been declined."))
    return redirect("organizations:my_invitations")


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page an e-mailed link opens. Anyone may see it; answering needs the invited, verified account."""
    found: Invitation | None
    try:
        found = selectors.invitation_by_token(token=token)
    except NotFound:
        found = None
    error = ""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        answer = request.POST.get("answer")
        try:
            if answer == "accept":
                membership = services.invitation_accept(user=request.user, token=token)  # type: ignore[arg-type]
                request.session[ACTIVE_ENTERPRISE_SESSION_KEY] = membership.enterprise_id
                messages.success(request, _("Welcome to %(name)s.") % {"name": membership.enterprise.name})
                return redirect("organizations:detail")
            services.invitation_decline(user=request.user, token=token)  # type: ignore[arg-type]
            messages.success(request, _("The invitation has been declined."))
            return redirect("core:dashboard")
        except ServiceError as exc:
            error = str(exc.detail)
    elif found is not None:
        user = request.user if request.user.is_authenticated else None
        try:
            selectors.invitation_check(invitation=found, user=user)  # type: ignore[arg-type]
        except ServiceError as exc:
            error = str(exc.detail)
    context = {"invitation": found, "error": error, "token": token, "next": request.path}
    return render(request, "organizations/invitation.html", context, status=200 if found else 404)
