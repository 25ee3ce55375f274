"""The parties of China's trade agreements, so a tariff file may write `RCEP[*]=0%`.

Only agreements in force with China's conventional (协定) rates, keyed by the short names our
tariff format uses; origins are ISO 3166-1 alpha-3 and exclude China itself. Sources: MOFCOM's
China FTA Network (fta.mofcom.gov.cn), checked 2025. A file may always list origins explicitly
instead, e.g. for RCEP's party-specific schedules (`RCEP[JPN]=…; RCEP[KOR]=…`).
"""

from __future__ import annotations

ASEAN = ("BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "VNM")

AGREEMENTS: dict[str, tuple[str, ...]] = {
    "RCEP": tuple(sorted((*ASEAN, "AUS", "JPN", "KOR", "NZL"))),
    "CN-ASEAN": ASEAN,
    "APTA": ("BGD", "IND", "KOR", "LAO", "LKA", "MNG"),
    "CN-AU": ("AUS",),
    "CN-CH": ("CHE",),
    "CN-CL": ("CHL",),
    "CN-CR": ("CRI",),
    "CN-EC": ("ECU",),
    "CN-GE": ("GEO",),
    "CN-IS": ("ISL",),
    "CN-KH": ("KHM",),
    "CN-KR": ("KOR",),
    "CN-MU": ("MUS",),
    "CN-MV": ("MDV",),
    "CN-NI": ("NIC",),
    "CN-NZ": ("NZL",),
    "CN-PE": ("PER",),
    "CN-PK": ("PAK",),
    "CN-RS": ("SRB",),
    "CN-SG": ("SGP",),
    "CEPA-HK": ("HKG",),
    "CEPA-MO": ("MAC",),
    "ECFA": ("TWN",),
}


def agreement_parties(agreement: str) -> tuple[str, ...] | None:
    """The origins of `agreement`, or None when we do not know it (the file must list them)."""
    return AGREEMENTS.get(agreement)
