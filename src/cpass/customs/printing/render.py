"""The printed documents: read (through tenancy), lay out as HTML in the document's language, render to PDF.

`*_html` returns the HTML WeasyPrint is given (the tests read it); `*_pdf` returns the PDF. The language is
"en" or "zh-hans": the request's, or the one a `?lang=` asks for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cpass.core.actor import Actor
from cpass.core.errors import ValidationFailed
from cpass.customs.printing import selectors
from cpass.customs.printing.pdf import Pdf, css_string, font_face_css, font_files, font_stack, page_counter_content
from cpass.customs.printing.pdf import write_pdf as _write_pdf

#: What `?lang=` accepts, and the language each means.
LANGUAGES = {"en": "en", "zh": "zh-hans", "zh-hans": "zh-hans", "zh-cn": "zh-hans"}


def document_language(requested: str | None = None, *, default: str | None = None) -> str:
    """ "en" or "zh-hans": `requested` (a `?lang=` value) if given, else the request's language `default`."""
    if requested:
        language = LANGUAGES.get(requested.strip().lower())
        if language is None:
            raise ValidationFailed.on("lang", _("Choose the document's language: en or zh-hans."))
        return language
    return "zh-hans" if (default or "en").lower().startswith("zh") else "en"


def _page(template: str, context: dict[str, Any], letterhead: selectors.Letterhead) -> tuple[str, set[Path]]:
    """The document's HTML and the local files it may read (the bundled fonts and the enterprise's logo)."""
    fonts = font_files()
    files = {font.path for font in fonts}
    if letterhead.logo is not None:
        files.add(letterhead.logo)
    footer = gettext("%(enterprise)s · generated %(time)s") % {
        "enterprise": letterhead.name,
        "time": letterhead.generated_at,
    }
    html = render_to_string(
        template,
        {
            **context,
            "letterhead": letterhead,
            "logo_url": letterhead.logo.resolve().as_uri() if letterhead.logo is not None else "",
            "font_faces": font_face_css(fonts),
            "font_stack": font_stack(),
            "page_counter": page_counter_content(gettext("Page %(page)s of %(pages)s")),
            "footer_text": css_string(footer),
        },
    )
    return html, files


# -- declaration draft --------------------------------------------------------------------------------


def _declaration_draft(*, actor: Actor, declaration_id: int, language: str) -> tuple[str, set[Path], str]:
    with translation.override(language):
        draft = selectors.declaration_draft(actor=actor, declaration_id=declaration_id)
        html, files = _page("customs/print/declaration_draft.html", {"draft": draft}, draft.letterhead)
    return html, files, draft.filename


def declaration_draft_html(*, actor: Actor, declaration_id: int, language: str) -> str:
    return _declaration_draft(actor=actor, declaration_id=declaration_id, language=language)[0]


def declaration_draft_pdf(*, actor: Actor, declaration_id: int, language: str) -> Pdf:
    """The declaration draft (报关单草单) with its duty and tax page, as a PDF."""
    html, files, filename = _declaration_draft(actor=actor, declaration_id=declaration_id, language=language)
    return _write_pdf(html, files=files, filename=filename)


# -- commercial invoice and packing list ---------------------------------------------------------------


def _shipment_document(*, actor: Actor, shipment_id: int, language: str, kind: str) -> tuple[str, set[Path], str]:
    with translation.override(language):
        paper = selectors.shipment_paper(actor=actor, shipment_id=shipment_id)
        html, files = _page(f"customs/print/{kind}.html", {"paper": paper}, paper.letterhead)
    return html, files, f"{paper.basename}-{kind.replace('_', '-')}.pdf"


def commercial_invoice_html(*, actor: Actor, shipment_id: int, language: str) -> str:
    return _shipment_document(actor=actor, shipment_id=shipment_id, language=language, kind="invoice")[0]


def commercial_invoice_pdf(*, actor: Actor, shipment_id: int, language: str) -> Pdf:
    """The shipment's commercial invoice (商业发票), as a PDF."""
    html, files, filename = _shipment_document(actor=actor, shipment_id=shipment_id, language=language, kind="invoice")
    return _write_pdf(html, files=files, filename=filename)


def packing_list_html(*, actor: Actor, shipment_id: int, language: str) -> str:
    return _shipment_document(actor=actor, shipment_id=shipment_id, language=language, kind="packing_list")[0]


def packing_list_pdf(*, actor: Actor, shipment_id: int, language: str) -> Pdf:
    """The shipment's packing list (装箱单), as a PDF."""
    html, files, filename = _shipment_document(
        actor=actor, shipment_id=shipment_id, language=language, kind="packing_list"
    )
    return _write_pdf(html, files=files, filename=filename)
