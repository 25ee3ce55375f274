"""Reading locations: search by code, name or country, and one location by its code."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, Case, ExpressionWrapper, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from cpass.core.actor import Actor
from cpass.core.errors import NotFound, ValidationFailed
from cpass.core.platform import require_reference_read
from cpass.places.models import FUNCTION_FILTERS, Location, LocationKey
from cpass.places.text import search_key

#: Longer queries are refused: no name or code is that long.
MAX_QUERY = 100
_CODE_QUERY = re.compile(r"([A-Za-z]{2})\s?([A-Za-z0-9]{0,3})")


def _prefix(field: str, prefix: str) -> Q:
    """`field` starts with `prefix`, in a form each database answers from its index.

    PostgreSQL indexes LIKE 'x%' (Django adds a pattern_ops index); SQLite's LIKE is
    case-insensitive and skips the index, but a range on its binary collation uses it.
    """
    if connection.vendor == "sqlite":
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})
    return Q(**{f"{field}__startswith": prefix})


def _code_prefix(query: str) -> str:
    """ "CN SHA" / "cnsha" / "CN" → the code prefix it can be, else ""."""
    match = _CODE_QUERY.fullmatch(query.strip())
    return (match.group(1) + match.group(2)).upper() if match else ""


def location_search(
    *,
    actor: Actor,
    q: str | None = None,
    country: str | None = None,
    function: str | None = None,
) -> QuerySet[Location]:
    """Locations matching `q` (code prefix "CNSHA"/"CN SHA", or the start of the name or of a word in it,
    ignoring case and accents; Chinese input matches as pinyin), in `country`, with `function`.

    Ranked: exact code, code prefix, exact name, name prefix, word prefix; within each, sea ports and airports first.
    """
    require_reference_read(actor)
    query = (q or "").strip()
    if len(query) > MAX_QUERY:
        raise ValidationFailed.on("q", _("The search is longer than %(max)s characters.") % {"max": MAX_QUERY})
    locations = Location.objects.all()
    if country:
        country = country.strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise ValidationFailed.on("country", _("A country is a two-letter code such as CN."))
        locations = locations.filter(country=country)
    if function:
        flag = FUNCTION_FILTERS.get(function.strip().lower())
        if flag is None:
            raise ValidationFailed.on(
                "function",
                _("Unknown function “%(function)s”; use one of: %(choices)s.")
                % {"function": function[:20], "choices": ", ".join(FUNCTION_FILTERS)},
            )
        locations = locations.filter(**{flag: True})
    major = ExpressionWrapper(Q(is_seaport=True) | Q(is_airport=True), output_field=BooleanField())
    if not query:
        return locations.annotate(major=major).order_by("-major", "unlocode")

    code = _code_prefix(query)
    key = search_key(query)
    if not code and not key:
        return locations.none()
    matches = Q()
    rank_cases = []
    if code:
        matches |= _prefix("unlocode", code)
        rank_cases += [When(unlocode=code, then=Value(0)), When(_prefix("unlocode", code), then=Value(1))]
    if key:
        matches |= Q(pk__in=LocationKey.objects.filter(_prefix("key", key)).values("location_id"))
        rank_cases += [When(search_key=key, then=Value(2)), When(_prefix("search_key", key), then=Value(3))]
    return (
        locations.filter(matches)
        .annotate(rank=Case(*rank_cases, default=Value(4), output_field=IntegerField()), major=major)
        .order_by("rank", "-major", "name", "unlocode")
    )


def location_get(*, actor: Actor, unlocode: str) -> Location:
    require_reference_read(actor)
    code = unlocode.replace(" ", "").upper()
    location = Location.objects.filter(unlocode=code).first() if len(code) == 5 else None
    if location is None:
        raise NotFound(_("There is no location with the code “%(code)s”.") % {"code": unlocode[:10]})
    return location
