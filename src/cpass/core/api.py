"""API plumbing shared by every app's router: authentication into an Actor, problem+json
errors (RFC 9457), strict input schemas, limit/offset pagination and list ordering.

Idempotency-Key handling for POST operations lives in cpass.core.idempotency.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, URLResolver, re_path
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import ConfigDict

from cpass.accounts.models import ApiToken
from cpass.core import context
from cpass.core.actor import Actor
from cpass.core.errors import PermissionDenied, RateLimited, ServiceError, ValidationFailed
from cpass.organizations.selectors import actor_for

PROBLEM_CONTENT_TYPE = "application/problem+json"
MAX_OFFSET = 1_000_000_000
_LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cp_…`: a personal API token, acting from the token's enterprise."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        now = timezone.now()
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(token_hash=token_hash(token), revoked_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if api_token is None or not api_token.user.is_active or not api_token.user.is_verified:
            return None
        if api_token.last_used_at is None or api_token.last_used_at < now - _LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        actor = actor_for(
            user=api_token.user,
            enterprise_id=api_token.enterprise_id,
            scopes=frozenset(api_token.scopes),
            request_id=getattr(request, "request_id", ""),
        )
        _bind(request, actor)
        return actor


class SessionActorAuth(APIKeyCookie):
    """The browser's session cookie (with CSRF on unsafe methods), acting from the active enterprise."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        if not request.user.is_authenticated or not request.user.is_verified:  # type: ignore[union-attr]
            return None
        actor: Actor = request.actor  # type: ignore[attr-defined]
        _bind(request, actor)
        return actor


def _bind(request: HttpRequest, actor: Actor) -> None:
    request.actor = actor  # type: ignore[attr-defined]
    # API-token requests have no session user; the access log takes the person from here.
    request.access_log_user_id = actor.user.pk  # type: ignore[attr-defined]
    request.access_log_enterprise_id = actor.enterprise_id  # type: ignore[attr-defined]
    context.audit_actor.set((actor.user.pk, actor.enterprise_id))


def request_actor(request: HttpRequest) -> Actor:
    """The Actor that authenticated this API request."""
    return request.auth  # type: ignore[attr-defined,no-any-return]


def scoped_actor(request: HttpRequest, module: str, action: str) -> Actor:
    """The request's Actor, refused when its API token lacks `module:action` (a session has every scope)."""
    actor = request_actor(request)
    if not actor.has_scope(module, action):
        raise PermissionDenied(
            _("This API token lacks the %(module)s:%(action)s scope.") % {"module": module, "action": action}
        )
    return actor


class InputSchema(Schema):
    """Base of every request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def one_of(values: Iterable[str], *, blank: bool = False) -> Any:
    """Metadata for `Annotated[str, one_of(choices)]`: the OpenAPI document lists the accepted values as the
    string's enum ("" first where `blank`). Only the document changes: the service checks the value, from the
    same choices, with its translated message naming the field."""
    listed: list[Any] = [""] * blank + [str(value) for value in values]
    return Field(json_schema_extra={"enum": listed})


def ordering_of(fields: Sequence[str]) -> Any:
    """Metadata for `Annotated[str, ordering_of(allowed)]`: the document's pattern of what `apply_ordering`
    accepts, allowed fields each with an optional "-", comma-separated."""
    field = "-?(" + "|".join(re.escape(name) for name in fields) + ")"
    return Field(json_schema_extra={"pattern": f"^{field}(,{field})*$"})


class ProblemOut(Schema):
    """RFC 9457 problem details. `errors` lists per-field messages."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, str]] = []


def problem(
    request: HttpRequest,
    status: int,
    title: str,
    detail: str,
    *,
    errors: Mapping[str, Sequence[Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"https://cpass.dev/problems/{status}",
        "title": str(title),
        "status": status,
        "detail": str(detail),
        "instance": request.path,
        "errors": [
            {"field": field, "message": str(message)}
            for field, messages in (errors or {}).items()
            for message in messages
        ],
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def _field_path(loc: Sequence[Any]) -> str:
    """("body", "payload", "items", 2, "currency") → "items[2].currency", as services name fields."""
    parts = list(loc)
    # ninja prefixes body fields with ("body", "<param name>"); people care about the field itself.
    if len(parts) >= 2 and parts[0] == "body":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    elif parts and parts[0] in {"query", "path", "header", "cookie", "form", "file"}:
        parts = parts[1:]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


#: Our messages for pydantic's common error types (pydantic's own are English only), by type; then the types whose
#: message names a limit, with the key of that limit in the error's context.
_PYDANTIC_MESSAGES: dict[str, Promise] = {
    "extra_forbidden": gettext_lazy("Unknown field."),
    "missing": gettext_lazy("This field is required."),
    **dict.fromkeys(("int_parsing", "int_type", "int_from_float"), gettext_lazy("Enter a whole number.")),
    **dict.fromkeys(
        ("float_parsing", "float_type", "decimal_parsing", "decimal_type", "finite_number"),
        gettext_lazy("Enter a number."),
    ),
    **dict.fromkeys(("bool_parsing", "bool_type"), gettext_lazy("Enter true or false.")),
    **dict.fromkeys(
        ("date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact"),
        gettext_lazy("Enter a valid date as YYYY-MM-DD."),
    ),
    **dict.fromkeys(
        ("datetime_parsing", "datetime_type", "datetime_from_date_parsing"),
        gettext_lazy("Enter a valid date and time in ISO 8601, e.g. 2026-03-02T09:30:00+08:00."),
    ),
    **dict.fromkeys(("string_type", "string_unicode"), gettext_lazy("Enter text.")),
    **dict.fromkeys(
        ("list_type", "dict_type", "model_type", "model_attributes_type"),
        gettext_lazy("This value has the wrong type."),
    ),
}
_PYDANTIC_LIMIT_MESSAGES: dict[str, tuple[Promise, str]] = {
    "greater_than_equal": (gettext_lazy("Enter a value of at least %(limit)s."), "ge"),
    "greater_than": (gettext_lazy("Enter a value greater than %(limit)s."), "gt"),
    "less_than_equal": (gettext_lazy("Enter a value of at most %(limit)s."), "le"),
    "less_than": (gettext_lazy("Enter a value less than %(limit)s."), "lt"),
    "string_too_long": (gettext_lazy("At most %(limit)s characters."), "max_length"),
    "string_too_short": (gettext_lazy("At least %(limit)s characters."), "min_length"),
    "literal_error": (gettext_lazy("Choose one of: %(limit)s."), "expected"),
    "enum": (gettext_lazy("Choose one of: %(limit)s."), "expected"),
}


def _pydantic_message(error: Mapping[str, Any]) -> str:
    """pydantic's message in the request's language for the common error types; others keep pydantic's."""
    kind = error.get("type", "")
    if kind in _PYDANTIC_MESSAGES:
        return str(_PYDANTIC_MESSAGES[kind])
    if kind in _PYDANTIC_LIMIT_MESSAGES:
        message, key = _PYDANTIC_LIMIT_MESSAGES[kind]
        return str(message) % {"limit": (error.get("ctx") or {}).get(key, "")}
    return str(error.get("msg", _("Invalid value.")))


def _validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field_path(error.get("loc", ())), []).append(_pydantic_message(error))
    return errors


def install_problem_handlers(api: NinjaAPI) -> None:
    """Map every error an operation can raise to problem+json; nothing becomes a 500 but a bug."""

    def on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        return problem(request, exc.status, str(exc.title), str(exc.detail), errors=exc.errors, headers=headers)

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return problem(
            request, 422, _("Validation failed"), _("The request has invalid fields."), errors=_validation_errors(exc)
        )

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(
            request,
            401,
            _("Unauthorized"),
            _("Send a valid, unexpired API token as 'Authorization: Bearer <token>', or sign in."),
            headers={"WWW-Authenticate": 'Bearer realm="cpass"'},
        )

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        headers = {"Retry-After": str(exc.wait)} if isinstance(exc, Throttled) and exc.wait else None
        titles = {400: _("Bad request"), 403: _("Forbidden"), 405: _("Method not allowed"), 429: _("Too many requests")}
        return problem(
            request, exc.status_code, str(titles.get(exc.status_code, _("Error"))), str(exc), headers=headers
        )

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(request, 404, _("Not found"), _("No such object, or you have no access to it."))

    def on_forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(request, 403, _("Forbidden"), str(exc) or _("You may not do this."))

    def on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(
            request,
            413,
            _("Request too large"),
            _("The request body is larger than %(limit)s bytes.") % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
        )

    api.add_exception_handler(ServiceError, on_service_error)  # type: ignore[arg-type]
    api.add_exception_handler(ValidationError, on_validation)  # type: ignore[arg-type]
    api.add_exception_handler(AuthenticationError, on_authentication)  # type: ignore[arg-type]
    api.add_exception_handler(HttpError, on_http_error)  # type: ignore[arg-type]
    api.add_exception_handler(Http404, on_not_found)  # type: ignore[arg-type]
    api.add_exception_handler(DjangoPermissionDenied, on_forbidden)  # type: ignore[arg-type]

    def on_malformed_body(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Django raises these while parsing the body (a multipart body without its boundary, too many fields):
        # the client's fault, and its message is safe to show.
        return problem(request, 400, _("Bad request"), _("The request body is malformed: %(error)s") % {"error": exc})

    api.add_exception_handler(RequestDataTooBig, on_too_big)  # type: ignore[arg-type]
    api.add_exception_handler(MultiPartParserError, on_malformed_body)  # type: ignore[arg-type]
    api.add_exception_handler(BadRequest, on_malformed_body)  # type: ignore[arg-type]
    api.add_exception_handler(SuspiciousOperation, on_malformed_body)  # type: ignore[arg-type]


@csrf_exempt
def unknown_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any path under the API that no operation matches: a problem+json 404, not Django's HTML page."""
    return problem(request, 404, _("Not found"), _("There is no API endpoint at this path."))


#: The problem responses every operation may give, documented once as each operation's `default` response.
_PROBLEM_STATUSES = (
    "400 malformed request, 401 no valid token or session, 403 no permission or token scope, 404 no such object "
    "or no access to it, 409 conflicting state, 413 body too large, 422 invalid fields (each named in `errors`), "
    "429 too many requests (see Retry-After)"
)


class CpassAPI(NinjaAPI):
    """The NinjaAPI with problem+json handlers installed, a catch-all 404 after every route, and every operation's
    error responses documented as problem+json."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        install_problem_handlers(self)

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Add the Problem schema and, to every operation without one, a `default` response: any other status is
        a problem+json body (RFC 9457)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = ProblemOut.model_json_schema()
        default = {
            "description": f"A problem (RFC 9457): {_PROBLEM_STATUSES}.",
            "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                # Status keys as text (ninja uses ints; JSON makes them text anyway), so "default" sorts with them.
                responses = {str(status): response for status, response in operation.get("responses", {}).items()}
                responses.setdefault("default", default)
                operation["responses"] = responses
        return schema

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        # [\s\S], not ".": a path may hold an encoded line break (%0A), and it too is a problem+json 404.
        return [*super()._get_urls(), re_path(r"^(?P<rest>[\s\S]*)$", unknown_path, name="unknown-path")]


class Pagination(LimitOffsetPagination):
    """`?limit=` (1..200, default 50) and `?offset=` (0..10⁹); answers {count, items, limit, offset}."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=200, description="How many items to return (1 to 200).")
        # Bounded so that the database's 64-bit OFFSET always holds it; no list comes near.
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip (0 to 1,000,000,000).")

    class Output(Schema):
        count: int
        items: list[Any]
        limit: int
        offset: int

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=200, **kwargs)

    def paginate_queryset(self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any) -> Any:  # type: ignore[override]
        offset, limit = pagination.offset, pagination.limit
        return {
            "count": self._items_count(queryset),
            "items": queryset[offset : offset + limit],
            "limit": limit,
            "offset": offset,
        }

    async def apaginate_queryset(  # type: ignore[override]
        self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> Any:
        offset, limit = pagination.offset, pagination.limit
        items = [obj async for obj in queryset[offset : offset + limit]]
        return {"count": await self._aitems_count(queryset), "items": items, "limit": limit, "offset": offset}


def apply_ordering(
    queryset: QuerySet[Any], ordering: str | None, allowed: Sequence[str], default: str
) -> QuerySet[Any]:
    """Order by `ordering` ("field" or "-field", comma-separated) if every field is allowed."""
    if not ordering:
        return queryset.order_by(default)
    fields = [f.strip() for f in ordering.split(",") if f.strip()]
    for field in fields:
        if field.lstrip("-") not in allowed:
            raise ValidationFailed(
                _("Cannot order by '%(field)s'.") % {"field": field},
                errors={"ordering": [_("Allowed: %(allowed)s") % {"allowed": ", ".join(allowed)}]},
            )
    return queryset.order_by(*fields, "pk")
