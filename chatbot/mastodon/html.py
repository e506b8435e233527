"""A status's HTML ``content`` as the plain text its author wrote.

Mastodon sends sanitized HTML (``<p>``, ``<br>``, ``<a>``, ``<span>``), but a remote server
or a bug can send anything: the content is untrusted. Tags are dropped, never
interpreted; what scripts and styles hold is dropped whole; entities are unescaped once;
paragraphs and line breaks become newlines; a link keeps its whole address, including
the parts Mastodon hides in ``invisible`` spans.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from chatbot.render.safe_text import storable

_BLOCKS = frozenset(
    {"p", "div", "blockquote", "pre", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6"}
)
_HIDDEN = frozenset({"script", "style", "template", "noscript", "iframe", "object", "svg"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\n\r\f]+")


class _TextCollector(HTMLParser):
    """Collects text and the line structure of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0
        self.pre_depth = 0

    def _break(self, newlines: int) -> None:
        if not self.parts:
            return
        tail = len(self.parts[-1]) - len(self.parts[-1].rstrip("\n"))
        if tail < newlines:
            self.parts.append("\n" * (newlines - tail))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self._break(1 if tag == "li" else 2)
            if tag == "pre":
                self.pre_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self._break(2)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden_depth = max(0, self.hidden_depth - 1)
        elif tag in _BLOCKS:
            if tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)
            self._break(1 if tag == "li" else 2)

    def handle_data(self, data: str) -> None:
        if self.hidden_depth:
            return
        # Outside <pre>, source whitespace is a space, as a browser shows it.
        self.parts.append(data if self.pre_depth else _SPACES.sub(" ", data))


def html_to_text(content: str) -> str:
    """Return the plain text of a status's HTML: tags dropped, entities unescaped, line
    breaks kept; control characters and what a database cannot hold removed."""
    collector = _TextCollector()
    collector.feed(content)
    collector.close()
    text = "".join(collector.parts)
    lines = [line.strip(" ") for line in text.split("\n")]
    return storable(_CONTROL.sub("", "\n".join(lines).strip("\n")))
