"""Writes for enterprises, memberships, invitations and partner grants.

Each service takes the acting person explicitly (an Actor, or the User for things done
before one belongs to the enterprise), checks the role matrix of docs/permissions.md, and
raises cpass.core.errors on every refusal.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import warnings
from datetime import timedelta

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc as uscc_number

from cpass.accounts.models import User
from cpass.core.actor import Actor
from cpass.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cpass.core.modules import delegable_modules
from cpass.organizations.choices import Access, EnterpriseKind, InvitationStatus, Role
from cpass.organizations.models import Enterprise, Invitation, Membership, PartnerGrant
from cpass.organizations.selectors import invitation_check, require

LOGO_MAX_BYTES = 5 * 1024 * 1024
LOGO_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
LOGO_BOX = (512, 512)
#: Larger images are refused before decoding: a small file can expand to gigabytes of pixels.
LOGO_MAX_PIXELS = 25_000_000
_CUSTOMS_CODE = re.compile(r"^[0-9A-Z]{10}$")
_EDITABLE_FIELDS = ("name", "name_en", "kind", "customs_code", "introduction", "address", "phone")


# ---------------------------------------------------------------- validation


def _clean_uscc(value: str, *, exclude_pk: int | None = None) -> str:
    raw = (value or "").strip()
    if not raw:
        raise ValidationFailed.on("uscc", _("Enter the 18-character unified social credit code."))
    try:
        number = uscc_number.validate(raw)
    except stdnum_errors.InvalidLength:
        raise ValidationFailed.on(
            "uscc",
            _("A unified social credit code has 18 characters; this one has %(count)d.")
            % {"count": len(uscc_number.compact(raw))},
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationFailed.on(
            "uscc", _("The check character (the last one) does not match: please check the code for typos.")
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationFailed.on(
            "uscc",
            _("This is not a valid unified social credit code: 8 digits, then letters and digits (no I, O, S, V, Z)."),
        ) from None
    taken = Enterprise.objects.filter(uscc=number)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationFailed.on(
            "uscc", _("An enterprise with this unified social credit code is already registered.")
        )
    return number


def _clean_customs_code(value: str) -> str:
    code = (value or "").strip().upper()
    if code and not _CUSTOMS_CODE.match(code):
        raise ValidationFailed.on("customs_code", _("The customs registration code has exactly 10 letters or digits."))
    return code


def _clean_phone(value: str) -> str:
    raw = (value or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationFailed.on(
            "phone", _("Enter a phone number, e.g. 021 6123 4567 or +86 138 0013 8000.")
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed.on("phone", _("This phone number is not valid; include the area code.")) from None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _clean_name(value: str) -> str:
    name = (value or "").strip()
    if not name:
        raise ValidationFailed.on("name", _("Enter the enterprise's registered name."))
    if len(name) > 200:
        raise ValidationFailed.on("name", _("The name can have at most 200 characters."))
    return name


def _clean_kind(value: str) -> str:
    if value not in EnterpriseKind.values:
        raise ValidationFailed.on("kind", _("Choose the type of enterprise from the list."))
    return value


def _clean_fields(fields: dict[str, str]) -> dict[str, str]:
    cleaned = dict(fields)
    if "name" in cleaned:
        cleaned["name"] = _clean_name(cleaned["name"])
    if "kind" in cleaned:
        cleaned["kind"] = _clean_kind(cleaned["kind"])
    if "customs_code" in cleaned:
        cleaned["customs_code"] = _clean_customs_code(cleaned["customs_code"])
    if "phone" in cleaned:
        cleaned["phone"] = _clean_phone(cleaned["phone"])
    for key in ("name_en", "introduction", "address"):
        if key in cleaned:
            cleaned[key] = (cleaned[key] or "").strip()
    limits = {"name_en": 200, "address": 300}
    for key, limit in limits.items():
        if len(cleaned.get(key, "")) > limit:
            raise ValidationFailed.on(key, _("At most %(limit)d characters.") % {"limit": limit})
    return cleaned


# ---------------------------------------------------------------- enterprises


def enterprise_create(
    *,
    user: User,
    name: str,
    kind: str,
    uscc: str,
    name_en: str = "",
    customs_code: str = "",
    introduction: str = "",
    address: str = "",
    phone: str = "",
) -> Enterprise:
    """Register a company; its creator becomes the owner. Needs a verified e-mail address."""
    if not user.is_verified:
        raise PermissionDenied(_("Verify your e-mail address before creating an enterprise."))
    fields = _clean_fields(
        {
            "name": name,
            "kind": kind,
            "name_en": name_en,
            "customs_code": customs_code,
            "introduction": introduction,
            "address": address,
            "phone": phone,
        }
    )
    number = _clean_uscc(uscc)
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.create(uscc=number, created_by=user, **fields)
            Membership.objects.create(enterprise=enterprise, user=user, role=Role.OWNER)
    except IntegrityError:
        # Two people registering the same code at the same moment: the unique index decides.
        raise ValidationFailed.on(
            "uscc", _("An enterprise with this unified social credit code is already registered.")
        ) from None
    return enterprise


@transaction.atomic
def enterprise_update(*, actor: Actor, **changes: str) -> Enterprise:
    """Change the active enterprise's details (admin or owner). `uscc` may be corrected too."""
    enterprise = require(actor, "manage")
    unknown = set(changes) - {*_EDITABLE_FIELDS, "uscc"}
    if unknown:
        raise ValidationFailed.on(sorted(unknown)[0], _("This field cannot be changed."))
    fields = _clean_fields({k: v for k, v in changes.items() if k != "uscc"})
    if "uscc" in changes:
        fields["uscc"] = _clean_uscc(changes["uscc"], exclude_pk=enterprise.pk)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    for key, value in fields.items():
        setattr(enterprise, key, value)
    enterprise.save()
    return enterprise


def _logo_png(upload: UploadedFile) -> bytes:
    """Check an uploaded logo really is a small JPEG/PNG/WebP/GIF image; return it as a ≤512×512 PNG."""
    if upload.size is None or upload.size > LOGO_MAX_BYTES:
        raise ValidationFailed.on("logo", _("The logo file is larger than 5 MB."))
    data = upload.read()
    not_image = _("This file is not an image. Upload a JPEG, PNG, WebP or GIF file.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in LOGO_FORMATS:
                    raise ValidationFailed.on("logo", _("Only JPEG, PNG, WebP and GIF images are accepted."))
                width, height = probe.size
                if width * height > LOGO_MAX_PIXELS:
                    raise ValidationFailed.on(
                        "logo",
                        _("The image is %(width)d × %(height)d pixels, too large to process; use a smaller image.")
                        % {"width": width, "height": height},
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.seek(0)
                image.load()
                converted = image.convert("RGBA")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationFailed.on("logo", _("The image is too large to process; use a smaller image.")) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationFailed.on("logo", not_image) from None
    converted.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    converted.save(out, format="PNG", optimize=True)
    return out.getvalue()


def enterprise_logo_set(*, actor: Actor, upload: UploadedFile) -> Enterprise:
    """Replace the logo: validated with Pillow, shrunk to fit 512×512 and stored as PNG."""
    current = require(actor, "manage")
    png = _logo_png(upload)
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=current.pk)
        old_name = enterprise.logo.name if enterprise.logo else ""
        enterprise.logo.save(f"{enterprise.pk}-{secrets.token_hex(8)}.png", ContentFile(png), save=True)
        if old_name:
            storage = enterprise.logo.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return enterprise


@transaction.atomic
def enterprise_logo_remove(*, actor: Actor) -> Enterprise:
    current = require(actor, "manage")
    enterprise = Enterprise.objects.select_for_update().get(pk=current.pk)
    if enterprise.logo:
        old_name, storage = enterprise.logo.name, enterprise.logo.storage
        enterprise.logo = ""  # type: ignore[assignment]
        enterprise.save(update_fields=["logo", "updated_at"])
        transaction.on_commit(lambda: storage.delete(old_name))
    return enterprise


# ---------------------------------------------------------------- members and roles


def _member_of(enterprise: Enterprise, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("user")
        .filter(pk=membership_id, enterprise=enterprise)
        .first()
    )
    if membership is None:
        raise NotFound(_("No such member in this enterprise."))
    return membership


def _check_can_manage(actor: Actor, membership: Membership) -> None:
    if membership.user_id == actor.user.pk:
        raise PermissionDenied(_("You cannot change your own membership here; use 'Leave enterprise' instead."))
    if membership.role == Role.OWNER:
        raise PermissionDenied(_("The owner cannot be changed or removed; the owner can transfer ownership."))
    if membership.role == Role.ADMIN and actor.role != Role.OWNER:
        raise PermissionDenied(_("Only the owner can change or remove an administrator."))


@transaction.atomic
def membership_change_role(*, actor: Actor, membership_id: int, role: str) -> Membership:
    """Give a member another role. Admins manage operators and viewers; only the owner manages admins."""
    enterprise = require(actor, "manage")
    if role not in Role.values:
        raise ValidationFailed.on("role", _("Choose a role: administrator, operator or viewer."))
    if role == Role.OWNER:
        raise ValidationFailed.on("role", _("There is exactly one owner: use 'Transfer ownership' instead."))
    membership = _member_of(enterprise, membership_id)
    _check_can_manage(actor, membership)
    if role == Role.ADMIN and actor.role != Role.OWNER:
        raise PermissionDenied(_("Only the owner can make someone an administrator."))
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def membership_remove(*, actor: Actor, membership_id: int) -> None:
    """Take a member out of the enterprise (not the owner, not oneself)."""
    enterprise = require(actor, "manage")
    membership = _member_of(enterprise, membership_id)
    _check_can_manage(actor, membership)
    membership.delete()


@transaction.atomic
def membership_leave(*, actor: Actor) -> None:
    """Leave the active enterprise. The owner must transfer ownership first."""
    enterprise = require(actor, "read")
    membership = Membership.objects.select_for_update().get(enterprise=enterprise, user=actor.user)
    if membership.role == Role.OWNER:
        raise Conflict(_("You are the owner: transfer ownership to another member before leaving."))
    membership.delete()


@transaction.atomic
def enterprise_transfer_ownership(*, actor: Actor, membership_id: int) -> Membership:
    """Make another member the owner; the current owner becomes an administrator."""
    enterprise = require(actor, "own")
    # Lock the enterprise's memberships in id order so concurrent changes queue behind this one.
    memberships = {m.pk: m for m in Membership.objects.select_for_update().filter(enterprise=enterprise).order_by("pk")}
    target = memberships.get(membership_id)
    if target is None:
        raise NotFound(_("No such member in this enterprise."))
    if target.user_id == actor.user.pk:
        raise ValidationFailed.on("membership", _("You are already the owner; choose another member."))
    current = next(m for m in memberships.values() if m.user_id == actor.user.pk)
    current.role = Role.ADMIN
    current.save(update_fields=["role", "updated_at"])
    target.role = Role.OWNER
    target.save(update_fields=["role", "updated_at"])
    return target


# ---------------------------------------------------------------- invitations


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send_invitation_email(invitation_id: int, token: str) -> None:
    """E-mail the link; rendered in the invitee's language when they already have an account."""
    invitation = Invitation.objects.select_related("enterprise", "invited_by").get(pk=invitation_id)
    user = User.objects.filter(email__iexact=invitation.email).first()
    language = user.language if user else translation.get_language() or settings.LANGUAGE_CODE
    link = settings.CPASS_BASE_URL + reverse("organizations:invitation", kwargs={"token": token})
    with translation.override(language):
        context = {"invitation": invitation, "link": link, "role": invitation.get_role_display()}
        subject = str(_("Invitation to join %(name)s on C-pass") % {"name": invitation.enterprise.name})
        body = render_to_string("organizations/email/invitation.txt", context)
    send_mail(settings.EMAIL_SUBJECT_PREFIX + subject, body, None, [invitation.email])


def invitation_create(*, actor: Actor, email: str, role: str) -> tuple[Invitation, str]:
    """Invite someone by e-mail. Returns the invitation and the raw token (only its hash is stored)."""
    enterprise = require(actor, "manage")
    address = (email or "").strip()
    try:
        validate_email(address)
    except DjangoValidationError:
        raise ValidationFailed.on("email", _("Enter a valid e-mail address.")) from None
    if role not in Role.values or role == Role.OWNER:
        raise ValidationFailed.on("role", _("Choose a role: administrator, operator or viewer."))
    if role == Role.ADMIN and actor.role != Role.OWNER:
        raise PermissionDenied(_("Only the owner can invite an administrator."))
    if Membership.objects.filter(enterprise=enterprise, user__email__iexact=address).exists():
        raise Conflict(_("%(email)s is already a member of this enterprise.") % {"email": address})
    with transaction.atomic():
        # A pending invitation that has expired no longer blocks a new one: it is closed here
        # (saved one by one, not with update(), so the change log records it).
        for stale in Invitation.objects.select_for_update().filter(
            enterprise=enterprise,
            email__iexact=address,
            status=InvitationStatus.PENDING,
            expires_at__lte=timezone.now(),
        ):
            stale.status = InvitationStatus.REVOKED
            stale.responded_at = timezone.now()
            stale.save(update_fields=["status", "responded_at", "updated_at"])
        if Invitation.objects.filter(
            enterprise=enterprise, email__iexact=address, status=InvitationStatus.PENDING
        ).exists():
            raise Conflict(
                _("%(email)s already has a pending invitation; revoke it first to send a new one.") % {"email": address}
            )
        token = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            enterprise=enterprise,
            email=address,
            role=role,
            token_hash=_token_hash(token),
            invited_by=actor.user,
            expires_at=timezone.now() + timedelta(days=settings.CPASS_INVITATION_DAYS),
        )
        transaction.on_commit(lambda: _send_invitation_email(invitation.pk, token))
    return invitation, token


def _locked_invitation(*, token: str | None = None, invitation_id: int | None = None, user: User) -> Invitation | None:
    """By token (anyone holding the link), or by id among the invitations addressed to `user` only."""
    invitations = Invitation.objects.select_for_update().select_related("enterprise")
    if token is not None:
        return invitations.filter(token_hash=_token_hash(token)).first()
    if invitation_id is None:
        return None
    return invitations.filter(pk=invitation_id, email__iexact=user.email).first()


def _accept(invitation: Invitation, user: User) -> Membership:
    if Membership.objects.filter(enterprise_id=invitation.enterprise_id, user=user).exists():
        raise Conflict(_("You are already a member of this enterprise."))
    membership = Membership.objects.create(enterprise_id=invitation.enterprise_id, user=user, role=invitation.role)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.responded_by = user
    invitation.save(update_fields=["status", "responded_at", "responded_by", "updated_at"])
    return membership


def _decline(invitation: Invitation, user: User) -> Invitation:
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.responded_by = user
    invitation.save(update_fields=["status", "responded_at", "responded_by", "updated_at"])
    return invitation


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Membership:
    """Join the enterprise with the invited role. Single use; the user's verified e-mail must match."""
    return _accept(invitation_check(invitation=_locked_invitation(token=token, user=user), user=user), user)


@transaction.atomic
def invitation_accept_pending(*, user: User, invitation_id: int) -> Membership:
    """Accept from the "My invitations" page, where the invitation is known by id, not token."""
    return _accept(
        invitation_check(invitation=_locked_invitation(invitation_id=invitation_id, user=user), user=user), user
    )


@transaction.atomic
def invitation_decline(*, user: User, token: str) -> Invitation:
    return _decline(invitation_check(invitation=_locked_invitation(token=token, user=user), user=user), user)


@transaction.atomic
def invitation_decline_pending(*, user: User, invitation_id: int) -> Invitation:
    return _decline(
        invitation_check(invitation=_locked_invitation(invitation_id=invitation_id, user=user), user=user), user
    )


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation_id: int) -> Invitation:
    """Withdraw a pending invitation so its link stops working (admin or owner)."""
    enterprise = require(actor, "manage")
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id, enterprise=enterprise).first()
    if invitation is None:
        raise NotFound(_("No such invitation in this enterprise."))
    if invitation.status != InvitationStatus.PENDING:
        raise Conflict(_("Only a pending invitation can be withdrawn."))
    invitation.status = InvitationStatus.REVOKED
    invitation.responded_at = timezone.now()
    invitation.responded_by = actor.user
    invitation.save(update_fields=["status", "responded_at", "responded_by", "updated_at"])
    return invitation


# ---------------------------------------------------------------- partner grants


@transaction.atomic
def partner_grant_create(*, actor: Actor, grantee_uscc: str, module: str, access: str) -> PartnerGrant:
    """Let a partner enterprise (found by its USCC) read or write one module of our data.

    A second grant for the same partner and module changes the access of the active one.
    """
    grantor = require(actor, "manage")
    if module not in {m.key for m in delegable_modules()}:
        raise ValidationFailed.on("module", _("Choose a module that can be shared with partners."))
    if access not in Access.values:
        raise ValidationFailed.on("access", _("Choose read only or read and write."))
    number = uscc_number.compact((grantee_uscc or "").strip())
    if not number:
        raise ValidationFailed.on("grantee_uscc", _("Enter the partner's unified social credit code."))
    grantee = Enterprise.objects.filter(uscc=number).first()
    if grantee is None:
        raise ValidationFailed.on(
            "grantee_uscc", _("No enterprise with this unified social credit code is registered on C-pass.")
        )
    if grantee.pk == grantor.pk:
        raise ValidationFailed.on("grantee_uscc", _("An enterprise cannot grant access to itself."))
    grant = (
        PartnerGrant.objects.select_for_update()
        .filter(grantor=grantor, grantee=grantee, module=module, revoked_at__isnull=True)
        .first()
    )
    if grant is not None:
        if grant.access != access:
            grant.access = access
            grant.granted_by = actor.user
            grant.save(update_fields=["access", "granted_by", "updated_at"])
        return grant
    return PartnerGrant.objects.create(
        grantor=grantor, grantee=grantee, module=module, access=access, granted_by=actor.user
    )


@transaction.atomic
def partner_grant_revoke(*, actor: Actor, grant_id: int) -> PartnerGrant:
    """End a grant; the row stays (revoked_at) for the history."""
    grantor = require(actor, "manage")
    grant = PartnerGrant.objects.select_for_update().filter(pk=grant_id, grantor=grantor).first()
    if grant is None:
        raise NotFound(_("No such partner grant in this enterprise."))
    if grant.revoked_at is not None:
        raise Conflict(_("This grant has already been revoked."))
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor.user
    grant.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    return grant
