from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpass.audit.models import ObjectChange
from cpass.core.errors import PermissionDenied, ValidationFailed
from cpass.reference import selectors, services
from cpass.reference.models import CodeEntry, CodeTable

pytestmark = pytest.mark.django_db


def _entry(table: str, code: str, on: dt.date | None = None) -> CodeEntry:
    found = selectors.code_entry(table, code, on=on)
    assert found is not None, (table, code, on)
    return found


D = dt.date


@pytest.fixture
def staff_actor(make_actor, staff):
    return make_actor(staff)


def test_staff_adds_a_version_closing_the_previous(staff_actor):
    services.code_entry_create(
        actor=staff_actor, table_key="unit", code="200", name_en="Old", name_zh="旧", valid_to=None
    )
    new = services.code_entry_create(
        actor=staff_actor,
        table_key="unit",
        code="200",
        name_en="New",
        name_zh="新",
        valid_from=D(2027, 1, 1),
        attributes={"rec20": "C62"},
        close_previous=True,
    )
    old = CodeEntry.objects.get(table__key="unit", code="200", valid_from=None)
    assert old.valid_to == D(2026, 12, 31)
    assert _entry("unit", "200", on=D(2026, 12, 31)).name_en == "Old"
    assert _entry("unit", "200", on=D(2027, 1, 1)).pk == new.pk
    assert ObjectChange.objects.filter(object_id=str(new.pk)).count() == 1


def test_overlap_is_refused_unless_closed(staff_actor):
    with pytest.raises(ValidationFailed) as caught:
        services.code_entry_create(
            actor=staff_actor, table_key="unit", code="035", name_en="Kg", name_zh="千克", valid_from=D(2027, 1, 1)
        )
    assert list(caught.value.errors) == ["valid_from"]
    assert "the beginning – open end" in str(caught.value.errors["valid_from"][0])
    assert CodeEntry.objects.filter(table__key="unit", code="035").count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "35"}, "code"),
        ({"name_en": ""}, "name_en"),
        ({"name_zh": "  "}, "name_zh"),
        ({"valid_from": D(2027, 2, 1), "valid_to": D(2027, 1, 1)}, "valid_to"),
        ({"close_previous": True}, "valid_from"),
    ],
)
def test_create_rejects_bad_input(staff_actor, fields, field):
    values = {"code": "201", "name_en": "X", "name_zh": "某", **fields}
    with pytest.raises(ValidationFailed) as caught:
        services.code_entry_create(actor=staff_actor, table_key="unit", **values)
    assert field in caught.value.errors


def test_non_staff_cannot_change(make_actor, owner, enterprise):
    actor = make_actor(owner, enterprise)
    with pytest.raises(PermissionDenied):
        services.code_entry_create(actor=actor, table_key="unit", code="201", name_en="X", name_zh="某")
    entry = CodeEntry.objects.get(table__key="unit", code="035")
    with pytest.raises(PermissionDenied):
        services.code_entry_update(actor=actor, entry_id=entry.pk, name_en="Hacked")
    entry.refresh_from_db()
    assert entry.name_en == "Kilogram"


def test_update_checks_overlap_and_names(staff_actor):
    first = services.code_entry_create(
        actor=staff_actor, table_key="unit", code="202", name_en="A", name_zh="甲", valid_to=D(2026, 12, 31)
    )
    second = services.code_entry_create(
        actor=staff_actor, table_key="unit", code="202", name_en="B", name_zh="乙", valid_from=D(2027, 1, 1)
    )
    with pytest.raises(ValidationFailed) as caught:
        services.code_entry_update(actor=staff_actor, entry_id=first.pk, valid_to=D(2027, 1, 1))
    assert "valid_from" in caught.value.errors
    with pytest.raises(ValidationFailed):
        services.code_entry_update(actor=staff_actor, entry_id=second.pk, name_zh="")
    updated = services.code_entry_update(actor=staff_actor, entry_id=second.pk, name_en=" B2 ", attributes={"x": 1})
    assert (updated.name_en, updated.attributes) == ("B2", {"x": 1})


@given(code=st.text(min_size=1, max_size=6))
def test_code_pattern_is_enforced_in_full(code):
    table = CodeTable(key="t", code_pattern=r"[0-9]{3}")
    errors = services.entry_errors(
        table=table, code=code, name_en="x", name_zh="x", valid_from=None, valid_to=None, attributes={}
    )
    assert ("code" in errors) == (not (len(code) == 3 and all(c in "0123456789" for c in code)))


@given(
    periods=st.lists(
        st.tuples(
            st.one_of(st.none(), st.dates(D(2020, 1, 1), D(2030, 1, 1))),
            st.one_of(st.none(), st.dates(D(2020, 1, 1), D(2030, 1, 1))),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_overlaps_agrees_with_day_by_day_check(periods):
    rows = [CodeEntry(code="A", valid_from=a, valid_to=b) for a, b in periods if not (a and b and b < a)]
    found = bool(services.overlaps(rows))
    lo, hi = D(2019, 12, 31), D(2030, 1, 2)

    def days(entry):
        start, end = entry.valid_from or lo, entry.valid_to or hi
        return {start + dt.timedelta(n) for n in range((end - start).days + 1)}

    expected = any(days(a) & days(b) for i, a in enumerate(rows) for b in rows[i + 1 :])
    assert found == expected
