"""API shapes of parties, review items and restricted-party lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from cpass.core.api import InputSchema, one_of, ordering_of
from cpass.parties.choices import MatchDecision, MatchStatus, PartyRole, ScreeningStatus
from cpass.parties.selectors import MATCH_ORDERING, PARTY_ORDERING

PartyRoleValue = Annotated[str, one_of(PartyRole)]
ScreeningStatusValue = Annotated[str, one_of(ScreeningStatus)]
MatchStatusValue = Annotated[str, one_of(MatchStatus)]
PartyOrdering = Annotated[str, ordering_of(PARTY_ORDERING)]
MatchOrdering = Annotated[str, ordering_of(MATCH_ORDERING)]


class PartyEnterpriseOut(Schema):
    id: int
    name: str


class PartyOut(Schema):
    id: int
    enterprise: PartyEnterpriseOut
    roles: list[PartyRoleValue]
    name_local: str
    name_en: str
    country: str
    address_local: str
    address_en: str
    city: str
    postcode: str
    contact_name: str
    contact_phone: str
    contact_email: str
    uscc: str
    customs_code: str
    eori: str
    vat_number: str
    lei: str
    aeo_number: str
    scac: str
    iata_code: str
    iata_prefix: str
    notes: str
    is_active: bool
    screening_status: ScreeningStatusValue = Field(
        description="clear, review (an open match) or blocked (a confirmed match)"
    )
    screened_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class PartyCreateIn(InputSchema):
    enterprise_id: int | None = Field(None, description="Owner: your enterprise (default) or a client's")
    roles: list[PartyRoleValue]
    name_local: str
    name_en: str = ""
    country: str = Field(description="ISO 3166-1 alpha-3, e.g. DEU")
    address_local: str = ""
    address_en: str = ""
    city: str = ""
    postcode: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    uscc: str = ""
    customs_code: str = ""
    eori: str = ""
    vat_number: str = ""
    lei: str = ""
    aeo_number: str = ""
    scac: str = ""
    iata_code: str = ""
    iata_prefix: str = ""
    notes: str = ""
    is_active: bool = True


class PartyUpdateIn(InputSchema):
    roles: list[PartyRoleValue] | None = None
    name_local: str | None = None
    name_en: str | None = None
    country: str | None = None
    address_local: str | None = None
    address_en: str | None = None
    city: str | None = None
    postcode: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    uscc: str | None = None
    customs_code: str | None = None
    eori: str | None = None
    vat_number: str | None = None
    lei: str | None = None
    aeo_number: str | None = None
    scac: str | None = None
    iata_code: str | None = None
    iata_prefix: str | None = None
    notes: str | None = None
    is_active: bool | None = None


class MatchPartyOut(Schema):
    id: int
    name_local: str
    name_en: str
    country: str
    screening_status: ScreeningStatusValue


class MatchDecidedByOut(Schema):
    id: int
    name: str


class ScreeningMatchOut(Schema):
    id: int
    enterprise: PartyEnterpriseOut
    party: MatchPartyOut
    list_name: str
    entry_external_id: str
    entry_name: str
    entry_country: str
    entry_programme: str
    score: Decimal
    matched_party_name: str
    matched_entry_name: str
    status: MatchStatusValue = Field(description="open, confirmed, cleared or withdrawn")
    decided_by: MatchDecidedByOut | None
    decided_at: dt.datetime | None
    reason: str
    created_at: dt.datetime
    updated_at: dt.datetime


class MatchDecisionIn(InputSchema):
    decision: Annotated[str, one_of(MatchDecision)] = Field(
        description="confirm (the party is the listed one: blocked) or clear (false positive)"
    )
    reason: str


class RestrictedListOut(Schema):
    id: int
    name: str
    source: str
    publisher: str
    version_date: dt.date | None
    loaded_at: dt.datetime | None
    entry_count: int


class RestrictedEntryOut(Schema):
    id: int
    external_id: str
    name: str
    aliases: list[str]
    country: str
    address: str
    programme: str
    remarks: str
