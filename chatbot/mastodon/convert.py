"""Mastodon's JSON (as Mastodon.py hands it over) as the network-neutral values of
``chatbot.domain.network``: every text field is untrusted and read defensively."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from chatbot.domain.network import Author, NetPost, Network, PostRef
from chatbot.domain.posts import Metrics
from chatbot.mastodon.html import html_to_text
from chatbot.mastodon.textrules import hashtags_in
from chatbot.render.safe_text import storable


def handle_of(acct: str, local_domain: str) -> str:
    """``user@instance`` for an account's ``acct``: a local account (``acct`` without a
    domain) gets the instance's own domain."""
    acct = acct.lstrip("@")
    return acct if "@" in acct else f"{acct}@{local_domain}"


def id_order(status_id: str) -> tuple[int, str]:
    """A key that sorts Mastodon ids oldest first (longer is newer, then lexical)."""
    return (len(status_id), status_id)


def _aware(moment: Any) -> datetime:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if not isinstance(moment, datetime):
        raise ValueError(f"not a time: {moment!r}")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def to_author(account: Mapping[str, Any], local_domain: str) -> Author:
    """An account as an Author: its handle ``user@instance``, its URI as the lasting id."""
    return Author(
        network=Network.MASTODON,
        id=str(account.get("uri") or account.get("url") or account["id"]),
        handle=handle_of(str(account["acct"]), local_domain),
        name=storable(str(account.get("display_name") or "")),
        followers=int(account.get("followers_count") or 0),
    )


def to_ref(status: Mapping[str, Any]) -> PostRef:
    """Where a status lives: its id on the instance we read it from, and its web page."""
    return PostRef(
        network=Network.MASTODON,
        id=str(status["id"]),
        url=str(status.get("url") or status.get("uri") or ""),
    )


def to_post(status: Mapping[str, Any], local_domain: str) -> NetPost:
    """A status as a NetPost: its HTML made plain text, its hashtags as written."""
    text = html_to_text(str(status.get("content") or ""))
    quote = status.get("quote") or {}
    quoted = quote.get("quoted_status") if isinstance(quote, Mapping) else None
    reply_to = status.get("in_reply_to_id")
    return NetPost(
        ref=to_ref(status),
        author=to_author(status["account"], local_domain),
        text=text,
        created_at=_aware(status["created_at"]).astimezone(UTC),
        reply_to=str(reply_to) if reply_to is not None else None,
        quote_of=str(quoted["id"]) if isinstance(quoted, Mapping) and "id" in quoted else None,
        hashtags=hashtags_in(text),
        metrics=Metrics(
            like_count=int(status.get("favourites_count") or 0),
            reply_count=int(status.get("replies_count") or 0),
            retweet_count=int(status.get("reblogs_count") or 0),
            quote_count=int(status.get("quotes_count") or 0),
        ),
    )
