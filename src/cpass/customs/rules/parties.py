"""Parties of the declaration: unified social credit codes of the domestic parties, and the denied-party
screening that blocks submission.

The screening standard is cpass.parties.selectors.require_party_usable's (inactive, an open match, a
confirmed match); here it is read for all four parties in one query (Context.screening), with findings
instead of the first error.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from cpass.customs.rules.context import PARTY_FIELDS, Context
from cpass.customs.rules.engine import ERROR, WARNING, Hit, rule, say
from cpass.customs.rules.fields import header_label
from cpass.parties.choices import MatchStatus
from cpass.parties.identifiers import compact

#: Domestic parties declared with their unified social credit code (统一社会信用代码).
USCC_REQUIRED = ("domestic_trader", "declarant")
USCC_EXPECTED = ("consumer_producer",)


@rule("CUS-PTY-001", ERROR, _("USCC of the domestic consignee/consignor and the declarant"))
def uscc_required(context: Context) -> Iterator[Hit]:
    for name in USCC_REQUIRED:
        party = context.parties.get(name)
        if party is not None and not party.uscc.strip():
            yield Hit(
                name,
                say(
                    _("%(party)s, the %(field)s, has no unified social credit code; add it to the party."),
                    party=party.name_local,
                    field=header_label(name),
                ),
            )


@rule("CUS-PTY-002", WARNING, _("USCC of the consumer/producer unit"))
def uscc_expected(context: Context) -> Iterator[Hit]:
    for name in USCC_EXPECTED:
        party = context.parties.get(name)
        if party is not None and not party.uscc.strip():
            yield Hit(
                name,
                say(
                    _("%(party)s, the %(field)s, has no unified social credit code; customs expects it unless the "
                      "unit has none (then its customs code or NO is declared)."),
                    party=party.name_local,
                    field=header_label(name),
                ),
            )  # fmt: skip


@rule("CUS-PTY-003", ERROR, _("USCC with a valid check character"))
def uscc_valid(context: Context) -> Iterator[Hit]:
    for name in (*USCC_REQUIRED, *USCC_EXPECTED):
        party = context.parties.get(name)
        if party is None or not party.uscc.strip():
            continue
        try:
            uscc.validate(compact(party.uscc))
        except StdnumError:
            yield Hit(
                name,
                say(
                    _("%(party)s: “%(code)s” is not a valid unified social credit code (18 characters with a check "
                      "character)."),
                    party=party.name_local,
                    code=party.uscc,
                ),
            )  # fmt: skip


@rule("CUS-PTY-004", ERROR, _("No party under review or blocked by denied-party screening"))
def denied_parties(context: Context) -> Iterator[Hit]:
    for name in PARTY_FIELDS:
        party = context.parties.get(name)
        if party is None:
            continue
        statuses = context.screening.get(party.pk, set())
        if MatchStatus.CONFIRMED in statuses:
            yield Hit(
                name,
                say(
                    _("%(party)s is blocked: a person confirmed that it is on a restricted-party list. The "
                      "declaration cannot be submitted with it."),
                    party=party.name_local,
                ),
            )  # fmt: skip
        elif statuses:
            yield Hit(
                name,
                say(
                    _("%(party)s matches a restricted-party list and is under review: the declaration cannot be "
                      "submitted until a person clears it."),
                    party=party.name_local,
                ),
            )  # fmt: skip


@rule("CUS-PTY-005", ERROR, _("Active parties of the declaration's enterprise"))
def usable_parties(context: Context) -> Iterator[Hit]:
    for name in PARTY_FIELDS:
        party_id = getattr(context.declaration, f"{name}_id")
        party = context.parties.get(name)
        if party_id is not None and party is None:
            yield Hit(name, say(_("The %(field)s no longer exists."), field=header_label(name)))
        elif party is not None and party.enterprise_id != context.declaration.enterprise_id:
            yield Hit(
                name,
                say(_("%(party)s is not a party of this declaration's enterprise."), party=party.name_local),
            )
        elif party is not None and not party.is_active:
            yield Hit(name, say(_("%(party)s is deactivated; choose an active party."), party=party.name_local))
