from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from cpass.core.errors import ValidationFailed
from cpass.imports.framework import FileRejected
from cpass.places import demo
from cpass.places.importers import LocodeImporter
from cpass.places.models import Location, LocationKey
from cpass.places.tests.factories import HEADER, load_locode, load_places, locode_csv, locode_row

pytestmark = pytest.mark.django_db

SHARED_LOCODE = Path("/work/shared/data/unlocode/unlocode_code_list.csv")


def snapshot() -> list[tuple]:
    return list(Location.objects.order_by("unlocode").values_list("unlocode", "name", "coordinates_source"))


def issues(result) -> list[tuple[int, str]]:
    return [(issue.line, issue.column) for issue in result.issues]


def test_good_file_sets_flags_names_and_coordinates():
    result = load_places(
        locode_row(
            "CNSHA", "Shanghai", subdivision="SH", function="12345---", iata="SHA", lat="31.2333333", lon="121.4666667"
        ),
        locode_row(
            "DEMUC", "München", ascii="Munchen", subdivision="BY", function="-2345---", lat="48.13", lon="11.56"
        ),
        locode_row("RUXXX", "Border post", function="-------B", status="RL"),
    )
    assert (result.rows, result.written, result.skipped) == (3, 3, 0)
    shanghai = Location.objects.get(unlocode="CNSHA")
    flags = (shanghai.is_seaport, shanghai.is_rail, shanghai.is_road, shanghai.is_airport, shanghai.is_postal)
    assert flags == (True, True, True, True, True)
    assert (shanghai.is_icd, shanghai.is_fixed_transport, shanghai.is_border_crossing) == (False, False, False)
    assert (shanghai.latitude, shanghai.longitude) == (Decimal("31.233333"), Decimal("121.466667"))
    assert (shanghai.coordinates_source, shanghai.iata, shanghai.spaced_code) == ("unlocode", "SHA", "CN SHA")
    munich = Location.objects.get(unlocode="DEMUC")
    assert (munich.name, munich.name_ascii, munich.search_key, munich.is_seaport) == (
        "München",
        "Munchen",
        "munchen",
        False,
    )
    border = Location.objects.get(unlocode="RUXXX")
    assert (border.is_border_crossing, border.has_coordinates, border.coordinates_source) == (True, False, "")
    # The name's later words are keys; its start is searched on search_key itself.
    assert list(LocationKey.objects.filter(location=border).values_list("key", flat=True)) == ["post"]
    assert (border.search_key, shanghai.is_major, munich.is_major, border.is_major) == (
        "border post",
        True,
        True,
        False,
    )


def test_reload_is_idempotent_and_a_rename_replaces_search_keys():
    rows = [locode_row("CNNGB", "Ningbo", lat="29.86", lon="121.55"), locode_row("CNSHA", "Shanghai")]
    load_places(*rows)
    again = load_locode(locode_csv(*rows))
    assert (again.committed, again.written, again.skipped) == (True, 0, 0)
    renamed = load_locode(locode_csv(rows[0], locode_row("CNSHA", "Shanghai Port")))
    assert renamed.written == 1
    keys = sorted(LocationKey.objects.filter(location__unlocode="CNSHA").values_list("key", flat=True))
    assert keys == ["port"]


def test_lost_diacritics_take_the_ascii_name():
    load_places(locode_row("BRSSZ", "S\ufffdo Paulo", ascii="Sao Paulo"), locode_row("FRXXX", "Caf\ufffd", ascii=""))
    assert Location.objects.get(unlocode="BRSSZ").name == "Sao Paulo"
    cafe = Location.objects.get(unlocode="FRXXX")
    assert (cafe.name, cafe.name_ascii) == ("Caf", "caf")


def test_duplicate_codes_keep_the_best_row():
    result = load_places(
        locode_row("AXMHQ", "Maarianhamina (Mariehamn)", lat="60.2", lon="19.9", geocoded="true"),
        locode_row("AXMHQ", "Mariehamn (Maarianhamina)", lat="60.1", lon="19.95"),
        locode_row("AXMHQ", "Mariehamn again", lat="60.0", lon="19.0"),
        locode_row("BEBTS", "Bassenge (Bitsingen)"),
        locode_row("BEBTS", "Bitsingen (Bassenge)"),
    )
    assert (result.rows, result.written, result.skipped) == (5, 2, 2)
    kept = Location.objects.get(unlocode="AXMHQ")
    assert (kept.name, kept.coordinates_source, kept.latitude) == (
        "Mariehamn (Maarianhamina)",
        "unlocode",
        Decimal("60.1"),
    )
    assert Location.objects.get(unlocode="BEBTS").name == "Bassenge (Bitsingen)"


def test_duplicates_across_batches_are_written_once(monkeypatch):
    monkeypatch.setattr(LocodeImporter, "batch_size", 2)
    result = load_places(
        locode_row("ADALV", "Andorra la Vella"),
        locode_row("CNAAA", "First", geocoded="true", lat="31", lon="121"),
        locode_row("CNBBB", "Second"),
        locode_row("CNAAA", "First better", lat="31.5", lon="121.5"),
    )
    assert (result.rows, result.written) == (4, 3)
    assert Location.objects.get(unlocode="CNAAA").name == "First better"
    assert list(LocationKey.objects.filter(location__unlocode="CNAAA").values_list("key", flat=True)) == ["better"]


def test_file_ending_on_a_full_batch_writes_the_held_back_country(monkeypatch):
    monkeypatch.setattr(LocodeImporter, "batch_size", 2)
    load_places(locode_row("CNAAA", "First"), locode_row("CNBBB", "Second"))
    assert sorted(Location.objects.values_list("unlocode", flat=True)) == ["CNAAA", "CNBBB"]


def test_bad_values_are_reported_per_row_and_nothing_is_written():
    load_places(locode_row("CNSHA", "Shanghai"))
    before = snapshot()
    result = load_locode(
        locode_csv(
            locode_row("CNSHA", "Renamed"),
            locode_row("C1SHA", "Bad code"),
            locode_row("CNNGB", "Bad function", function="1234"),
            locode_row("CNNGC", "Bad flag", function="9-------"),
            locode_row("CNNGD", "Bad status", status="ZZ"),
            locode_row("CNNGE", "Bad iata", iata="TOOLONG"),
            locode_row("CNNGF", "Bad latitude", lat="north", lon="1"),
            locode_row("CNNGG", "Bad geocoded", geocoded="maybe"),
            locode_row("CNNGH", ""),
            locode_row("CNNGI", "Mismatch", unlocode="CNXXX"),
            locode_row("CNNGJ", "Bad subdivision", subdivision="TOO-LONG"),
        )
    )
    assert (result.committed, result.issue_count) == (False, 10)
    assert issues(result) == [
        (3, "location"),
        (4, "function"),
        (5, "function"),
        (6, "status"),
        (7, "iata"),
        (8, "lat"),
        (9, "geocoded"),
        (10, "name"),
        (11, "unlocode"),
        (12, "subdivision"),
    ]
    assert "Position 1 of the function" in result.issues[2].message
    assert snapshot() == before


def test_unusable_coordinates_dropped_or_rejected():
    rows = [
        locode_row("CNAAA", "Nan", lat="nan", lon="nan"),
        locode_row("CNBBB", "Half", lat="31", lon=""),
        locode_row("CNCCC", "Out of range", lat="95", lon="10"),
        locode_row("CNDDD", "Longitude out", lat="10", lon="190"),
    ]
    rejected = load_locode(locode_csv(*rows), invalid_coordinates="reject")
    assert (rejected.committed, issues(rejected)) == (False, [(3, "lat"), (4, "lat"), (5, "lat")])
    assert Location.objects.count() == 0
    dropped = load_locode(locode_csv(*rows))
    assert dropped.written == 4
    assert list(Location.objects.order_by().values_list("latitude", "longitude", "coordinates_source").distinct()) == [
        (None, None, "")
    ]


def test_unknown_option_value_is_a_field_error():
    with pytest.raises(ValidationFailed) as caught:
        load_locode(locode_csv(locode_row("CNSHA", "Shanghai")), invalid_coordinates="guess")
    assert caught.value.errors == {"invalid_coordinates": ["Choose “drop” or “reject”."]}


def test_missing_columns_and_bad_encoding_are_rejected_whole():
    with pytest.raises(FileRejected) as missing:
        load_locode(b"country,location,name\nCN,SHA,Shanghai\n")
    assert "function" in str(missing.value.errors["file"][0])
    with pytest.raises(FileRejected) as binary:
        load_locode(HEADER.encode() + b"\n\x81\x30\xff\xfe" * 40)
    assert list(binary.value.errors) == ["file"]
    with pytest.raises(FileRejected):
        load_locode(locode_csv())
    assert Location.objects.count() == 0


def test_gb18030_file_with_chinese_name_folds_to_pinyin():
    data = locode_csv(locode_row("CNSHA", "上海", ascii="")).decode().encode("gb18030")
    assert load_locode(data).committed
    location = Location.objects.get(unlocode="CNSHA")
    assert (location.name, location.name_ascii, location.search_key) == ("上海", "shanghai", "shanghai")


def test_geocoded_coordinates_far_from_their_region_are_suspect_and_cleared_when_fixed():
    surveyed = [
        locode_row("CNCAN", "Guangzhou", subdivision="GD", lat="23.12", lon="113.25"),
        locode_row("CNSHK", "Shekou", subdivision="GD", lat="22.48", lon="113.92"),
        locode_row("CNYTN", "Yantian", subdivision="GD", lat="22.58", lon="114.27"),
    ]
    near = locode_row("CNHUA", "Huangpu", subdivision="GD", lat="23.1", lon="113.47", geocoded="true")
    kashgar = locode_row("CNSZX", "Shenzhen Apt", subdivision="GD", lat="37.75", lon="75.23", geocoded="true")
    load_places(*surveyed, near, kashgar)
    sources = dict(Location.objects.values_list("unlocode", "coordinates_source"))
    assert (sources["CNHUA"], sources["CNSZX"], sources["CNCAN"]) == ("geocoded", "suspect", "unlocode")
    assert Location.objects.get(unlocode="CNSZX").coordinates_suspect is True
    # Reloading the same file changes nothing; a corrected point is no longer suspect.
    assert load_locode(locode_csv(*surveyed, near, kashgar)).written == 0
    fixed = locode_row("CNSZX", "Shenzhen Apt", subdivision="GD", lat="22.64", lon="113.81", geocoded="true")
    assert load_locode(locode_csv(fixed)).written == 1
    assert Location.objects.get(unlocode="CNSZX").coordinates_source == "geocoded"


def test_a_reload_keeps_coordinates_staff_corrected():
    kashgar = locode_row("CNSZX", "Shenzhen Apt", subdivision="GD", lat="37.75", lon="75.23", geocoded="true")
    load_places(kashgar)
    Location.objects.filter(unlocode="CNSZX").update(
        latitude=Decimal("22.639258"), longitude=Decimal("113.810664"), coordinates_source="corrected"
    )
    renamed = locode_row("CNSZX", "Shenzhen Bao'an Apt", subdivision="GD", lat="37.75", lon="75.23", geocoded="true")
    assert load_locode(locode_csv(renamed)).written == 1  # the name changes…
    stored = Location.objects.get(unlocode="CNSZX")
    assert (stored.name, stored.latitude, stored.longitude, stored.coordinates_source) == (
        "Shenzhen Bao'an Apt",
        Decimal("22.639258"),
        Decimal("113.810664"),
        "corrected",  # …the correction stays
    )
    assert load_locode(locode_csv(renamed)).written == 0


def test_command_loads_a_file(tmp_path):
    path = tmp_path / "ports.csv"
    path.write_bytes(locode_csv(locode_row("NLRTM", "Rotterdam", lat="51.9", lon="4.5")))
    out = io.StringIO()
    call_command("load-locode", str(path), stdout=out)
    assert Location.objects.get().unlocode == "NLRTM"
    assert "1 written" in out.getvalue()


def test_demo_is_idempotent():
    first = demo.load_demo()
    assert (first.committed, first.written, first.rows) == (True, 36, 36)
    second = demo.load_demo()
    assert (second.committed, second.written) == (True, 0)
    assert Location.objects.get(unlocode="CNNGB").is_seaport is True


def test_sample_of_the_published_list():
    if not SHARED_LOCODE.exists():
        pytest.skip("shared UN/LOCODE data is absent")
    with SHARED_LOCODE.open(encoding="utf-8", newline="") as source:
        reader = csv.reader(source)
        header = next(reader)
        # Guangdong (with CNSZX, geocoded near Kashgar) and Andorra: a few hundred rows.
        sample = [row for row in reader if (row[1] == "CN" and row[5] == "GD") or row[1] == "AD"]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *sample])
    result = load_locode(out.getvalue().encode())
    assert (result.committed, result.rows) == (True, len(sample))
    assert result.written == len({row[0] for row in sample})
    assert Location.objects.get(unlocode="CNSZX").coordinates_source == "suspect"
    assert Location.objects.get(unlocode="ADALV").function == "--34-6--"
    assert not Location.objects.filter(name__contains="\ufffd").exists()
