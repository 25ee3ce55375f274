from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from cpass.places.widgets import LocodeInput

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_list_filters_and_pagination(login, owner, places):
    client = login(owner)
    body = text(client.get(reverse("places:list")))
    assert "10 locations" in body
    assert reverse("places:detail", args=["CNSHA"]) in body
    searched = text(client.get(reverse("places:list"), {"q": "munchen"}))
    assert ("1 location" in searched, "München" in searched, "Hamburg" in searched) == (True, True, False)
    filtered = text(client.get(reverse("places:list"), {"country": "DE", "function": "port"}))
    assert ("Hamburg" in filtered, "München" in filtered) == (True, False)
    paged = text(client.get(reverse("places:list"), {"q": "", "page": 99}))
    assert "10 locations" in paged


def test_bad_filters_show_inline_errors_in_both_languages(login, owner, places):
    client = login(owner)
    english = client.get(reverse("places:list"), {"country": "China", "q": "x" * 10_000})
    assert english.status_code == 200
    assert "Ensure this value has at most 2 characters" in text(english)
    bad_country = text(client.get(reverse("places:list"), {"country": "C1"}))
    assert "A country is a two-letter code such as CN." in bad_country
    chinese = client.get(reverse("places:list"), {"country": "C1"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "国家是两个字母的代码，例如 CN。" in text(chinese)
    assert "港口与地点" in text(client.get(reverse("places:list"), HTTP_ACCEPT_LANGUAGE="zh-hans"))


def test_detail_and_404(login, owner, places):
    client = login(owner)
    body = text(client.get(reverse("places:detail", args=["CNSHA"])))
    assert ("CN SHA" in body, "Shanghai" in body, "31.230000, 121.470000" in body) == (True, True, True)
    assert "from UN/LOCODE" in body
    assert client.get(reverse("places:detail", args=["ZZZZZ"])).status_code == 404


def test_typeahead_options(login, owner, places):
    client = login(owner)
    body = text(client.get(reverse("places:typeahead"), {"q": "shang"}))
    assert body.count("<option") == 4
    assert body.index('value="CNSHA"') < body.index('value="USSHZ"')
    named = text(client.get(reverse("places:typeahead"), {"field": "port_of_loading", "port_of_loading": "ham"}))
    assert 'value="DEHAM"' in named
    ports = text(client.get(reverse("places:typeahead"), {"q": "shang", "function": "airport"}))
    assert (ports.count("<option"), 'value="CNSHB"' in ports) == (2, False)
    for absurd in ("", "x" * 10_000, "'\";%_*()"):
        response = client.get(reverse("places:typeahead"), {"q": absurd})
        assert (response.status_code, "<option" in text(response)) == (200, False)
    bad_function = client.get(reverse("places:typeahead"), {"q": "sha", "function": "spaceport"})
    assert (bad_function.status_code, text(bad_function).strip()) == (200, "")


def test_pages_need_a_signed_in_person(client):
    response = client.get(reverse("places:list"))
    assert response.status_code == 302


def test_locode_input_widget_wires_the_typeahead():
    class PortForm(forms.Form):
        port_of_loading = forms.CharField(widget=LocodeInput(function="port"))

    html = str(PortForm()["port_of_loading"])
    assert 'list="id_port_of_loading-locodes"' in html
    assert f'hx-get="{reverse("places:typeahead")}"' in html
    assert '<datalist id="id_port_of_loading-locodes"></datalist>' in html
    assert "&quot;field&quot;: &quot;port_of_loading&quot;" in html
    assert "&quot;function&quot;: &quot;port&quot;" in html
