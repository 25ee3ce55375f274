"""Helpers for the tests of every app: what a browser would send back for a page's form."""

from __future__ import annotations

from html.parser import HTMLParser

_NOT_SENT = {"submit", "button", "reset", "image", "file"}


class _FormReader(HTMLParser):
    """Collects the values of the form posting to `action`, as a browser submits it unchanged."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.values: dict[str, list[str]] = {}
        self._inside = False
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name: str, value: str) -> None:
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._inside = found.get("action", self.action) in (self.action, "")
        if not self._inside or "disabled" in found:
            return
        name = found.get("name", "")
        if tag == "input" and name:
            kind = found.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in found:
                    self._add(name, found.get("value") or "on")
            elif kind not in _NOT_SENT:
                self._add(name, found.get("value", ""))
        elif tag == "select" and name:
            self._select = (name, "multiple" in found)
            self._options = []
        elif tag == "option" and self._select is not None:
            self._options.append((found.get("value", ""), "selected" in found))
        elif tag == "textarea" and name:
            self._textarea = name
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not multiple:  # a single select sends its (last) selected option, or its first when none is
                chosen = chosen[-1:] or [value for value, _selected in self._options[:1]]
            for value in chosen:
                self._add(name, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea, "".join(self._text).removeprefix("\n"))
            self._textarea = None


def form_values(html: str, *, action: str) -> dict[str, list[str]]:
    """The values a browser submits for the page's form posting to `action` when the person changes nothing:
    each input's value, ticked checkboxes, each select's selected option (its first when none is). A form without
    an action posts to the page's own address: pass that address when the page was fetched there."""
    reader = _FormReader(action)
    reader.feed(html)
    reader.close()
    return reader.values
