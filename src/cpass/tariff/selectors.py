"""Reads of the nomenclature and the tariff schedules: which line, which rates, on which date, for which origin.

Validity is inclusive at both ends and never falls back: a date outside every period of a code
is an error that names the periods that exist. The import-duty choice follows China's Customs
Duties Law (2024), articles 11–13 (see docs/guide/tariff.md, "Which rate applies").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import pycountry
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from cpass.core.errors import NotFound, ValidationFailed
from cpass.reference.selectors import code_entry
from cpass.reference.tables import Table
from cpass.tariff.models import DeclarationElements, DutyRate, HsLevel, HsNode, Jurisdiction, RateKind, TariffLine
from cpass.tariff.rates import ParsedRate, describe

IMPORT_KINDS = (RateKind.MFN, RateKind.PROVISIONAL, RateKind.CONVENTIONAL, RateKind.PREFERENTIAL, RateKind.GENERAL)
#: Rates of a trade agreement (conventional) or of special preferential treatment: open to listed origins with
#: proof of origin.
AGREEMENT_KINDS = (RateKind.CONVENTIONAL, RateKind.PREFERENTIAL)
_NON_DIGITS = re.compile(r"[\s.\-]")
#: Longest search text accepted; longer input is an error, not a slow query.
MAX_QUERY_LENGTH = 200


def valid_on(on: dt.date) -> Q:
    """Versions whose `valid_from`..`valid_to` (inclusive, open when empty) covers `on`."""
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def jurisdictions() -> QuerySet[Jurisdiction]:
    return Jurisdiction.objects.order_by("code")


def schedule_for(code: str) -> Jurisdiction:
    """The jurisdiction whose schedule is asked for, or NotFound listing those that exist."""
    found = Jurisdiction.objects.filter(code=code.strip().upper()).first()
    if found is None:
        known = ", ".join(Jurisdiction.objects.values_list("code", flat=True)) or _("none loaded")
        raise NotFound(
            _("There is no tariff schedule for jurisdiction “%(code)s” (known: %(known)s).")
            % {"code": code, "known": known}
        )
    return found


def normalize_code(code: str) -> str:
    """“8413.60.21 00” → “8413602100”: dots, spaces and hyphens are presentation, not part of the code."""
    return _NON_DIGITS.sub("", code or "")


def check_code(code: str, schedule: Jurisdiction, *, field: str = "code") -> str:
    """The normalised code, or a ValidationFailed saying what is wrong with its digits or length."""
    if len(code or "") > 40:
        raise ValidationFailed.on(field, _("A commodity code has at most 14 digits."))
    digits = normalize_code(code)
    if not digits:
        raise ValidationFailed.on(field, _("Enter a commodity code."))
    if not digits.isdigit():
        raise ValidationFailed.on(field, _("“%(code)s”: a commodity code has digits only.") % {"code": code})
    longest, shortest = schedule.national_code_length, min(schedule.min_code_length, schedule.national_code_length)
    if shortest <= len(digits) <= longest:
        return digits
    if len(digits) == shortest - 1:
        raise ValidationFailed.on(
            field,
            _(
                "“%(code)s” has %(length)s digits; %(jurisdiction)s codes have %(expected)s. "
                "Excel may have dropped a leading zero: format the column as text."
            )
            % {"code": code, "length": len(digits), "jurisdiction": schedule.code, "expected": shortest},
        )
    expected = str(longest) if shortest == longest else f"{shortest}–{longest}"
    raise ValidationFailed.on(
        field,
        _("“%(code)s” has %(length)s digits; %(jurisdiction)s codes have %(expected)s.")
        % {"code": code, "length": len(digits), "jurisdiction": schedule.code, "expected": expected},
    )


def _period(line: TariffLine | DeclarationElements) -> str:
    end = line.valid_to.isoformat() if line.valid_to else _("open")
    return f"{line.valid_from.isoformat()}–{end}"


def line_versions(*, jurisdiction: str, code: str, ciq_code: str | None = None) -> QuerySet[TariffLine]:
    """Every version of a code (all CIQ sub-codes unless one is given), oldest first, with rates."""
    schedule = schedule_for(jurisdiction)
    digits = check_code(code, schedule)
    versions = TariffLine.objects.filter(jurisdiction=schedule, code=digits)
    if ciq_code is not None:
        versions = versions.filter(ciq_code=ciq_code)
    return versions.prefetch_related(
        Prefetch("rate_set__rates", queryset=DutyRate.objects.order_by("kind", "agreement", "id"))
    )


def tariff_line(*, jurisdiction: str, code: str, on: dt.date, ciq_code: str = "", date_field: str = "on") -> TariffLine:
    """The version of a national line valid on `on`.

    Without `ciq_code`, the line without a CIQ sub-code is meant; if the code only exists with
    sub-codes, the error lists them. A date outside every validity period names the periods (as an
    error on `date_field`, the caller's name for the date).
    """
    schedule = schedule_for(jurisdiction)
    digits = check_code(code, schedule)
    ciq_code = (ciq_code or "").strip()
    if ciq_code and not re.fullmatch(r"\d{3}", ciq_code):
        raise ValidationFailed.on("ciq_code", _("A CIQ sub-code has 3 digits, not “%(ciq)s”.") % {"ciq": ciq_code})
    versions = list(
        TariffLine.objects.filter(jurisdiction=schedule, code=digits)
        .select_related("jurisdiction")
        .order_by("ciq_code", "valid_from")
    )
    if not versions:
        raise NotFound(
            _("%(jurisdiction)s has no tariff line %(code)s.") % {"jurisdiction": schedule.code, "code": digits}
        )
    same_ciq = [version for version in versions if version.ciq_code == ciq_code]
    if not same_ciq:
        subcodes = sorted({version.ciq_code or "-" for version in versions})
        raise ValidationFailed.on(
            "ciq_code",
            _("Line %(code)s has CIQ sub-codes %(subcodes)s; choose one.")
            % {"code": digits, "subcodes": ", ".join(subcodes)},
        )
    for version in same_ciq:
        if version.valid_from <= on and (version.valid_to is None or version.valid_to >= on):
            return version
    raise ValidationFailed.on(
        date_field,
        _("Line %(code)s%(ciq)s is not valid on %(date)s; its versions are valid %(periods)s.")
        % {
            "code": digits,
            "ciq": f"/{ciq_code}" if ciq_code else "",
            "date": on.isoformat(),
            "periods": ", ".join(_period(version) for version in same_ciq),
        },
    )


def element_template(*, jurisdiction: str, code: str, on: dt.date) -> DeclarationElements | None:
    """The declaration elements template (申报要素) of the longest code prefix valid on `on`, or None."""
    schedule = schedule_for(jurisdiction)
    digits = normalize_code(code)
    if len(digits) > 14:
        raise ValidationFailed.on("code", _("A commodity code has at most 14 digits."))
    if not digits.isdigit() or len(digits) < 2:
        raise ValidationFailed.on("code", _("“%(code)s” is not a code of 2 to 14 digits.") % {"code": code})
    prefixes = [digits[:length] for length in range(2, len(digits) + 1)]
    return (
        DeclarationElements.objects.filter(jurisdiction=schedule, code_prefix__in=prefixes)
        .filter(valid_on(on))
        .order_by("-code_prefix")  # same digits: the longer prefix sorts later, so first when descending
        .first()
    )


def hs_node(code: str, *, edition: str = "HS2022") -> HsNode:
    node = HsNode.objects.filter(edition=edition, code=code).select_related("parent").first()
    if node is None:
        raise NotFound(_("%(edition)s has no node “%(code)s”.") % {"edition": edition, "code": code})
    return node


def hs_path(code: str, *, edition: str = "HS2022") -> list[HsNode]:
    """Section → chapter → heading → subheading down to the HS6 part of `code` (shorter codes stop earlier)."""
    digits = normalize_code(code)
    if not digits.isdigit() or len(digits) < 2:
        raise ValidationFailed.on("code", _("“%(code)s” is not an HS code (2 to 6 digits or longer).") % {"code": code})
    prefixes = [digits[:length] for length in (2, 4, 6) if len(digits) >= length]
    nodes = {node.code: node for node in HsNode.objects.filter(edition=edition, code__in=prefixes)}
    chapter = nodes.get(prefixes[0])
    if chapter is None:
        raise NotFound(_("%(edition)s has no chapter %(code)s.") % {"edition": edition, "code": prefixes[0]})
    path: list[HsNode] = []
    if chapter.parent_id is not None:
        section = HsNode.objects.filter(pk=chapter.parent_id).first()
        if section is not None:
            path.append(section)
    path.extend(nodes[prefix] for prefix in prefixes if prefix in nodes)
    return path


def hs_nodes(*, parent: str | None = None, q: str = "", edition: str = "HS2022") -> QuerySet[HsNode]:
    """Children of `parent` (the sections when empty), or a code-prefix / text search when `q` is given."""
    nodes = HsNode.objects.filter(edition=edition).select_related("parent")
    q = " ".join((q or "").split())
    if len(q) > MAX_QUERY_LENGTH:
        raise ValidationFailed.on(
            "q", _("Search text is limited to %(limit)s characters.") % {"limit": MAX_QUERY_LENGTH}
        )
    if q:
        digits = normalize_code(q)
        if digits.isdigit():
            return nodes.filter(code__startswith=digits).order_by("code")
        return nodes.filter(Q(description_en__icontains=q) | Q(description_zh__icontains=q)).order_by("code")
    if parent:
        return nodes.filter(parent__code=parent, parent__edition=edition).order_by("code")
    return nodes.filter(level=HsLevel.SECTION).order_by("id")


def tariff_lines(
    *, jurisdiction: str, prefix: str = "", chapter: str = "", on: dt.date | None = None
) -> QuerySet[TariffLine]:
    """National lines of a jurisdiction whose code starts with `prefix` (and lies in `chapter`), the versions
    valid `on` (every version when None)."""
    schedule = schedule_for(jurisdiction)
    digits = normalize_code(prefix)
    if digits and not digits.isdigit():
        raise ValidationFailed.on("prefix", _("“%(code)s”: a code prefix has digits only.") % {"code": prefix})
    if len(digits) > schedule.national_code_length:
        raise ValidationFailed.on(
            "prefix",
            _("“%(code)s” is longer than a %(jurisdiction)s code (%(length)s digits).")
            % {"code": prefix, "jurisdiction": schedule.code, "length": schedule.national_code_length},
        )
    chapter = (chapter or "").strip()
    if chapter and not re.fullmatch(r"\d{2}", chapter):
        raise ValidationFailed.on("chapter", _("A chapter is 2 digits, e.g. 84, not “%(text)s”.") % {"text": chapter})
    lines = TariffLine.objects.filter(jurisdiction=schedule).select_related("jurisdiction")
    if digits:
        lines = lines.filter(code__startswith=digits)
    if chapter:
        lines = lines.filter(code__startswith=chapter)
    if on is not None:
        lines = lines.filter(valid_on(on))
    return lines.order_by("code", "ciq_code", "valid_from")


def tariff_line_get(line_id: int) -> TariffLine:
    """One line version by id, with its jurisdiction and its rates (kind, agreement order)."""
    line = (
        TariffLine.objects.filter(pk=line_id)
        .select_related("jurisdiction")
        .prefetch_related(Prefetch("rate_set__rates", queryset=DutyRate.objects.order_by("kind", "agreement", "id")))
        .first()
    )
    if line is None:
        raise NotFound(_("There is no such tariff line."))
    return line


def line_history(line: TariffLine) -> QuerySet[TariffLine]:
    """Every version of the line's code and CIQ sub-code, oldest first (the line itself included)."""
    return TariffLine.objects.filter(
        jurisdiction_id=line.jurisdiction_id, code=line.code, ciq_code=line.ciq_code
    ).order_by("valid_from")


def line_elements(line: TariffLine, *, today: dt.date) -> DeclarationElements | None:
    """The element template for a line: the one valid today if the line is, else on the line's first day."""
    covers_today = line.valid_from <= today and (line.valid_to is None or line.valid_to >= today)
    on = today if covers_today else line.valid_from
    return element_template(jurisdiction=line.jurisdiction.code, code=line.code, on=on)


def hs_ancestry(node: HsNode) -> list[HsNode]:
    """The node's section, chapter, heading… down to the node itself (at most four levels)."""
    chain = [node]
    current = node
    while current.parent_id is not None and len(chain) < 5:
        parent = HsNode.objects.filter(pk=current.parent_id).select_related("parent").first()
        if parent is None:  # pragma: no cover - the foreign key forbids it
            break
        chain.append(parent)
        current = parent
    return chain[::-1]


def hs_children(node: HsNode) -> QuerySet[HsNode]:
    return HsNode.objects.filter(parent=node).select_related("parent").order_by("code")


# -- which rate applies -----------------------------------------------------------------------


@dataclass(frozen=True)
class RateOption:
    """One import-duty rate of the line and whether it is open to the origin asked about."""

    rate: DutyRate
    eligible: bool
    note: str


@dataclass(frozen=True)
class TariffQuote:
    """Everything a declarant needs about one line on one date for one origin, and why."""

    jurisdiction: Jurisdiction
    line: TariffLine
    on: dt.date
    origin: str | None
    #: The import duty rate that applies, None when the line publishes none.
    import_rate: DutyRate | None
    #: Why (a sentence naming the rule and the rates compared).
    reason: str
    candidates: tuple[RateOption, ...]
    vat_rate: Decimal | None
    consumption: tuple[DutyRate, ...]
    export_rate: DutyRate | None
    supervision_conditions: str
    inspection_categories: str
    unit_1: str
    unit_2: str
    elements: DeclarationElements | None

    @property
    def basis(self) -> str:
        return self.import_rate.kind if self.import_rate else ""


def check_origin(origin: str | None) -> str | None:
    if origin is None or not origin.strip():
        return None
    code = origin.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code) or pycountry.countries.get(alpha_3=code) is None:
        raise ValidationFailed.on(
            "origin", _("“%(origin)s” is not an ISO 3166 alpha-3 country code (e.g. JPN, DEU).") % {"origin": origin}
        )
    return code


def _as_parsed(rate: DutyRate) -> ParsedRate:
    return ParsedRate(
        ad_valorem=rate.ad_valorem,
        specific_amount=rate.specific_amount,
        specific_currency=rate.specific_currency,
        specific_unit=rate.specific_unit,
        combination=rate.combination,
        text=rate.text,
    )


def rate_text(rate: DutyRate | None) -> str:
    if rate is None:
        return ""
    return rate.text or describe(_as_parsed(rate))


def _label(rate: DutyRate) -> str:
    names = {
        RateKind.MFN: _("the MFN rate"),
        RateKind.PROVISIONAL: _("the provisional rate"),
        RateKind.GENERAL: _("the general rate"),
        RateKind.CONVENTIONAL: _("the conventional rate under %(agreement)s"),
        RateKind.PREFERENTIAL: _("the special preferential rate under %(agreement)s"),
    }
    template = names.get(RateKind(rate.kind), str(rate.kind))
    return template % {"agreement": rate.agreement or "?"} if "%(" in template else template


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _percent(rate: DutyRate) -> Decimal | None:
    """The rate as a single comparable percentage: only pure ad valorem rates compare without a value."""
    if rate.unparsed or rate.specific_amount is not None or rate.ad_valorem is None:
        return None
    return rate.ad_valorem


def _covers(rate: DutyRate, origin: str) -> bool:
    return origin in rate.origin_countries.split()


def tariff_lookup(
    *,
    jurisdiction: str,
    code: str,
    on: dt.date,
    origin: str | None = None,
    ciq_code: str = "",
    date_field: str = "on",
    proof_of_origin: bool = False,
) -> TariffQuote:
    """Which line, which rates, on this date, for this origin, in one call, with the reason for the duty rate.

    The rule (Customs Duties Law of the PRC, art. 11–13): origins without MFN treatment (the
    jurisdiction's `general_rate_origins`) pay the general rate and no provisional rate; others
    pay the MFN rate, replaced by the provisional rate where one exists; an origin covered by an
    agreement (conventional) or by special preferential treatment pays the lowest of those and
    the MFN/provisional rate when the importer claims it with `proof_of_origin` (a certificate of
    origin or an origin declaration: customs grants agreement rates only on that claim); without
    it the MFN/provisional rate applies and the reason names the lower rate the proof would open.
    Rates that cannot be compared without a value (specific or compound) are shown, and the choice
    says so.
    """
    origin_code = check_origin(origin)
    line = tariff_line(jurisdiction=jurisdiction, code=code, on=on, ciq_code=ciq_code, date_field=date_field)
    schedule = line.jurisdiction
    rates = list(DutyRate.objects.filter(rate_set_id=line.rate_set_id).order_by("kind", "agreement", "id"))
    by_kind: dict[str, list[DutyRate]] = {}
    for rate in rates:
        by_kind.setdefault(rate.kind, []).append(rate)
    mfn = next(iter(by_kind.get(RateKind.MFN, [])), None)
    provisional = next(iter(by_kind.get(RateKind.PROVISIONAL, [])), None)
    general = next(iter(by_kind.get(RateKind.GENERAL, [])), None)
    no_mfn = origin_code is not None and origin_code in schedule.general_rate_origins.split()

    options: list[RateOption] = []
    import_rate: DutyRate | None
    if no_mfn:
        import_rate = general
        reason = _(
            "Origin %(origin)s has no most-favoured-nation treatment in %(jurisdiction)s: the general rate "
            "%(rate)s applies, and provisional rates do not apply to it."
        ) % {"origin": origin_code, "jurisdiction": schedule.code, "rate": rate_text(general) or _("(none published)")}
        for rate in rates:
            if rate.kind in IMPORT_KINDS:
                options.append(
                    RateOption(rate, rate is general, _("applies") if rate is general else _("not for this origin"))
                )
    else:
        base = provisional or mfn
        if origin_code is None:
            lead = _("No origin given: assuming an origin with MFN treatment.")
        else:
            lead = _("Origin %(origin)s has MFN treatment.") % {"origin": origin_code}
        if provisional is not None:
            base_reason = _("The provisional rate %(provisional)s replaces the MFN rate %(mfn)s.") % {
                "provisional": rate_text(provisional),
                "mfn": rate_text(mfn) or _("(none published)"),
            }
        else:
            base_reason = _("The MFN rate %(mfn)s applies.") % {"mfn": rate_text(mfn) or _("(none published)")}
        eligible_extra: list[DutyRate] = []
        unclaimed: list[DutyRate] = []
        for rate in rates:
            if rate.kind not in IMPORT_KINDS:
                continue
            if rate.kind in (RateKind.MFN, RateKind.PROVISIONAL):
                is_base = rate is base
                note = (
                    _("applies unless a lower agreement rate does")
                    if is_base
                    else _("replaced by the provisional rate")
                )
                options.append(RateOption(rate, is_base, note))
            elif rate.kind == RateKind.GENERAL:
                options.append(RateOption(rate, False, _("only for origins without MFN treatment")))
            elif origin_code is not None and _covers(rate, origin_code):
                if proof_of_origin:
                    eligible_extra.append(rate)
                    note = _("open to origin %(origin)s with proof of origin") % {"origin": origin_code}
                else:
                    unclaimed.append(rate)
                    note = _("open to origin %(origin)s with proof of origin, which is not claimed") % {
                        "origin": origin_code
                    }
                options.append(RateOption(rate, proof_of_origin, note))
            elif not rate.origin_countries:
                options.append(RateOption(rate, False, _("parties not recorded: check eligibility yourself")))
            else:
                options.append(
                    RateOption(rate, False, _("not for this origin") if origin_code else _("needs an origin"))
                )
        import_rate, choice = _lowest(base, eligible_extra)
        if unclaimed:
            choice = _unclaimed(lower_agreement_rate(rates, origin_code or ""))
        reason = " ".join(part for part in (lead, base_reason, choice) if part)

    export_rate = next(iter(by_kind.get(RateKind.EXPORT_PROVISIONAL, [])), None) or next(
        iter(by_kind.get(RateKind.EXPORT, [])), None
    )
    return TariffQuote(
        jurisdiction=schedule,
        line=line,
        on=on,
        origin=origin_code,
        import_rate=import_rate,
        reason=reason,
        candidates=tuple(options),
        vat_rate=line.vat_rate,
        consumption=tuple(by_kind.get(RateKind.CONSUMPTION, [])),
        export_rate=export_rate,
        supervision_conditions=line.supervision_conditions,
        inspection_categories=line.inspection_categories,
        unit_1=line.unit_1,
        unit_2=line.unit_2,
        elements=element_template(jurisdiction=schedule.code, code=line.code, on=on),
    )


def _lowest(base: DutyRate | None, agreement_rates: list[DutyRate]) -> tuple[DutyRate | None, str]:
    """The lowest of the MFN/provisional rate and the agreement rates open to the origin, and why."""
    if not agreement_rates:
        return base, ""
    best = base
    incomparable: list[DutyRate] = []
    for rate in agreement_rates:
        if best is None:
            best = rate
            continue
        if _percent(rate) == 0 or _percent(best) == 0:
            # A free rate compares with anything, specific or compound: nothing is lower.
            if _percent(best) != 0:
                best = rate
            continue
        mine, theirs = _percent(rate), _percent(best)
        if mine is None or theirs is None:
            incomparable.append(rate)
        elif mine < theirs:
            best = rate
    if incomparable:
        chosen = best or incomparable[0]
        return chosen, _(
            "%(others)s cannot be compared with %(chosen)s without the customs value and quantity: "
            "%(chosen)s is shown; compute both for your shipment and declare the lower."
        ) % {"others": ", ".join(f"{_label(r)} {rate_text(r)}" for r in incomparable), "chosen": rate_text(chosen)}
    assert best is not None
    if best is base:
        other = agreement_rates[0]
        return best, _("%(label)s %(rate)s for this origin is not lower, so it is not used.") % {
            "label": _upper_first(_label(other)),
            "rate": rate_text(other),
        }
    return best, _("%(label)s, %(rate)s, is lower than %(base)s, so it applies (with proof of origin).") % {
        "label": _upper_first(_label(best)),
        "rate": rate_text(best),
        "base": f"{_label(base)} {rate_text(base)}" if base else _("no MFN rate"),
    }


def lower_agreement_rate(rates: Sequence[DutyRate], origin: str) -> DutyRate | None:
    """The conventional or special preferential rate that proof of origin would make apply to `origin` instead
    of the MFN/provisional rate; None when no agreement rate open to it is lower. `rates` are one line's, in
    the order of tariff_lookup (kind, agreement, id)."""
    base = next((rate for rate in rates if rate.kind == RateKind.PROVISIONAL), None) or next(
        (rate for rate in rates if rate.kind == RateKind.MFN), None
    )
    covered = [rate for rate in rates if rate.kind in AGREEMENT_KINDS and _covers(rate, origin)]
    if not covered:
        return None
    with_proof = _lowest(base, covered)[0]
    return None if with_proof is base else with_proof


def _unclaimed(with_proof: DutyRate | None) -> str:
    """Why agreement rates open to the origin are not used: no proof of origin is claimed. Names the one that
    would apply with it, so the declarant knows what a certificate of origin would save."""
    if with_proof is None:
        return ""
    return _(
        "%(label)s, %(rate)s, is open to this origin with proof of origin (a certificate of origin or an origin "
        "declaration); none is claimed, so it is not used."
    ) % {"label": _upper_first(_label(with_proof)), "rate": rate_text(with_proof)}


# -- presentation helpers of the pages ----------------------------------------------------------

#: The order rates are shown in: import duties, then export duties, then consumption tax.
KIND_ORDER = (
    RateKind.MFN,
    RateKind.PROVISIONAL,
    RateKind.GENERAL,
    RateKind.CONVENTIONAL,
    RateKind.PREFERENTIAL,
    RateKind.EXPORT,
    RateKind.EXPORT_PROVISIONAL,
    RateKind.CONSUMPTION,
)


@dataclass(frozen=True)
class RateGroup:
    kind: str
    label: str
    rates: tuple[DutyRate, ...]


def rate_groups(rates: list[DutyRate]) -> list[RateGroup]:
    """A line's rates grouped by kind, in KIND_ORDER, each group sorted by agreement."""
    groups = []
    for kind in KIND_ORDER:
        members = tuple(sorted((r for r in rates if r.kind == kind), key=lambda r: (r.agreement, r.origin_countries)))
        for rate in members:
            #: The numbers as we read them, in our grammar (“2.4%”, “1 CNY/095”), for the page.
            rate.parsed_text = "" if rate.unparsed else describe(_as_parsed(rate))  # type: ignore[attr-defined]
        if members:
            groups.append(RateGroup(kind=kind.value, label=str(kind.label), rates=members))
    return groups


@dataclass(frozen=True)
class NamedCode:
    code: str
    #: The name from the reference code table in the active language, empty where the table has no such code.
    name: str


def _named(table: str, codes: list[str], on: dt.date) -> list[NamedCode]:
    named = []
    for code in codes:
        entry = code_entry(table, code, on=on)
        named.append(NamedCode(code, entry.name if entry is not None else ""))
    return named


def supervision_codes(text: str, *, on: dt.date) -> list[NamedCode]:
    """“4xAB” → each licence code (one character) with its name from the supervision condition table."""
    return _named(Table.SUPERVISION_CONDITION, [c for c in text if c.strip()], on)


def inspection_codes(text: str, *, on: dt.date) -> list[NamedCode]:
    """“P.R/Q.S” → each category letter with its name (“/” separates import from export, “.” joins)."""
    return _named(Table.INSPECTION_CATEGORY, [c for c in text if c.isalpha()], on)


def unit_codes(line: TariffLine, *, on: dt.date) -> list[NamedCode]:
    """The line's legal units with their names (China's customs unit codes; other schedules' unit text as is)."""
    return _named(Table.UNIT, [unit for unit in (line.unit_1, line.unit_2) if unit], on)
