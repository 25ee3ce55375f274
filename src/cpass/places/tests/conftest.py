from __future__ import annotations

import pytest

from cpass.places.tests.factories import load_places, locode_row


@pytest.fixture
def places(db: None) -> None:
    """A small world: the codes and names the ranking tests look for."""
    load_places(
        locode_row("CNSHA", "Shanghai", subdivision="SH", function="12345---", lat="31.23", lon="121.47"),
        locode_row("CNSHB", "Shanghai Baoshan", subdivision="SH", function="--3-----"),
        locode_row("CNPVG", "Shanghai Pudong International Apt", subdivision="SH", function="---4----"),
        locode_row("CNSHK", "Shekou", subdivision="GD", function="1-3-----"),
        locode_row("CNNGB", "Ningbo", subdivision="ZJ", function="1-34----"),
        locode_row("CNXSH", "Xinshanghai", subdivision="JS", function="--3-----"),
        locode_row("DEMUC", "München", ascii="Munchen", subdivision="BY", function="-2345---"),
        locode_row("DEHAM", "Hamburg", subdivision="HH", function="12345---"),
        locode_row("USSHA", "Shady Grove", subdivision="OR", function="--3-----"),
        locode_row("USSHZ", "Shanghai Road", subdivision="CA", function="--3-----"),
    )
