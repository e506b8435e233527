"""A status's text made into the HTML Mastodon serves: paragraphs, line breaks, and links
for hashtags, mentions of known accounts and URLs, marked up as Mastodon's TextFormatter
does (or, for a remote author, as their own server did before ours sanitized it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from chatbot.emulator.mastodon.textrules import entities, hashtags_in, html_to_text

if TYPE_CHECKING:
    from chatbot.emulator.mastodon.store import Account, Store

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_REMOTE_REL = 'rel="nofollow noopener noreferrer" target="_blank"'


@dataclass(frozen=True, slots=True)
class Formatted:
    """The HTML of a status and what it links: hashtags as written, mentioned account ids."""

    html: str
    tags: tuple[str, ...]
    mention_ids: tuple[str, ...]


def escape(text: str) -> str:
    """Escape text for HTML as Rails does (``'`` becomes ``&#39;``)."""
    return "".join(_ESCAPES.get(char, char) for char in text)


def profile_url(account: Account, local_domain: str) -> str:
    """The web address of an account's profile."""
    return f"https://{account.domain or local_domain}/@{account.username}"


def _link(url: str, rel: str) -> str:
    scheme = re.match(r"https?://(?:www\.)?", url, re.IGNORECASE)
    prefix = scheme.group(0) if scheme else ""
    rest = url[len(prefix) :]
    shown, hidden = rest[:30], rest[30:]
    return (
        f'<a href="{escape(url)}" {rel}>'
        f'<span class="invisible">{escape(prefix)}</span>'
        f'<span class="{"ellipsis" if hidden else ""}">{escape(shown)}</span>'
        f'<span class="invisible">{escape(hidden)}</span></a>'
    )


def format_text(text: str, store: Store, *, author: Account, html: str | None) -> Formatted:
    """Make ``text`` into a status's HTML; ``html`` (a remote server's) is kept as given."""
    if html is not None:
        plain = html_to_text(html)
        mentioned = [
            account.id
            for entity in entities(plain)
            if entity.kind == "mention" and (account := store.account_by_acct(entity.value))
        ]
        return Formatted(html, hashtags_in(plain), tuple(dict.fromkeys(mentioned)))
    home = author.domain or store.domain
    remote = author.domain is not None
    link_rel = _REMOTE_REL if remote else 'target="_blank" rel="nofollow noopener" translate="no"'
    parts: list[str] = []
    tags: dict[str, str] = {}
    mentions: dict[str, None] = {}
    position = 0
    for entity in entities(text):
        parts.append(escape(text[position : entity.start]))
        position = entity.end
        if entity.kind == "url":
            parts.append(_link(entity.value, link_rel))
        elif entity.kind == "hashtag":
            name = entity.value
            tags.setdefault(name.casefold(), name)
            href = f"https://{home}/tags/{quote(name.casefold())}"
            rel = _REMOTE_REL if remote else 'rel="tag"'
            parts.append(
                f'<a href="{href}" class="mention hashtag" {rel}>#<span>{escape(name)}</span></a>'
            )
        elif (account := store.account_by_acct(entity.value)) is not None:
            mentions[account.id] = None
            rel = f" {_REMOTE_REL}" if remote else ""
            href = profile_url(account, store.domain)
            parts.append(
                f'<span class="h-card" translate="no"><a href="{href}" class="u-url mention"'
                f"{rel}>@<span>{escape(account.username)}</span></a></span>"
            )
        else:  # nobody by that name: Mastodon leaves it as text
            parts.append(escape(text[entity.start : entity.end]))
    parts.append(escape(text[position:]))
    body = "".join(parts).strip()
    body = re.sub(r"(?:\r\n?|\n){2,}", "</p><p>", body)
    body = re.sub(r"\r\n?|\n", "<br />", body)
    return Formatted(f"<p>{body}</p>", tuple(tags.values()), tuple(mentions))
