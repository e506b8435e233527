"""The JSON entities the emulator answers with: Status, Account, Instance (v1 and v2),
shaped as Mastodon's serializers write them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chatbot.emulator.mastodon.formatting import profile_url
from chatbot.emulator.mastodon.store import Account, Status, Store

VERSION = "4.5.2"
API_VERSION = 7


def timestamp(moment: datetime) -> str:
    """Mastodon's datetime format: UTC, milliseconds, 'Z'."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def account_json(account: Account, store: Store) -> dict[str, Any]:
    """The Account entity."""
    home = account.domain or store.domain
    avatar = f"https://{store.domain}/avatars/original/missing.png"
    return {
        "id": account.id,
        "username": account.username,
        "acct": account.acct,
        "display_name": account.display_name,
        "locked": False,
        "bot": account.bot,
        "discoverable": True,
        "indexable": True,
        "group": False,
        "created_at": timestamp(account.created_at),
        "note": "",
        "url": profile_url(account, store.domain),
        "uri": f"https://{home}/users/{account.username}",
        "avatar": avatar,
        "avatar_static": avatar,
        "header": f"https://{store.domain}/headers/original/missing.png",
        "header_static": f"https://{store.domain}/headers/original/missing.png",
        "followers_count": account.followers_count,
        "following_count": account.following_count,
        "statuses_count": account.statuses_count,
        "last_status_at": account.last_status_at.date().isoformat()
        if account.last_status_at
        else None,
        "hide_collections": False,
        "noindex": False,
        "emojis": [],
        "roles": [],
        "fields": [],
    }


def credential_account_json(account: Account, store: Store) -> dict[str, Any]:
    """The CredentialAccount entity verify_credentials answers with (``source``, ``role``)."""
    source = {
        "privacy": "public",
        "sensitive": False,
        "language": "en",
        "note": "",
        "fields": [],
        "follow_requests_count": 0,
        "attribution_domains": [],
        "hide_collections": False,
        "discoverable": True,
        "indexable": True,
        "quote_policy": "public",
    }
    role = {"id": "-99", "name": "", "permissions": "0", "color": "", "highlighted": False}
    return account_json(account, store) | {"source": source, "role": role}


def status_json(status: Status, store: Store, *, viewer: str | None = None) -> dict[str, Any]:
    """The Status entity; ``viewer`` is the account id of the token asking, if any."""
    author = store.accounts[status.account_id]
    home = author.domain or store.domain
    mentions = [store.accounts[i] for i in status.formatted.mention_ids if i in store.accounts]
    reblog = store.statuses.get(status.reblog_of) if status.reblog_of else None
    body: dict[str, Any] = {
        "id": str(status.id),
        "created_at": timestamp(status.created_at),
        "in_reply_to_id": str(status.in_reply_to_id) if status.in_reply_to_id else None,
        "in_reply_to_account_id": status.in_reply_to_account_id,
        "sensitive": bool(status.spoiler_text),
        "spoiler_text": status.spoiler_text,
        "visibility": status.visibility,
        "language": status.language,
        "uri": f"https://{home}/users/{author.username}/statuses/{status.id}",
        "url": f"https://{home}/@{author.username}/{status.id}",
        **status.counts,
        "quotes_count": 0,
        "edited_at": None,
    }
    if viewer is not None:
        body |= {"favourited": False, "reblogged": False, "muted": False, "bookmarked": False}
        if viewer == status.account_id:
            body["pinned"] = False
    body |= {
        "content": "" if reblog else status.formatted.html,
        "filtered": [],
        "reblog": status_json(reblog, store, viewer=viewer) if reblog else None,
        "application": {"name": "chatbot", "website": None}
        if viewer == status.account_id
        else None,
        "account": account_json(author, store),
        "media_attachments": [],
        "mentions": [
            {
                "id": m.id,
                "username": m.username,
                "url": profile_url(m, store.domain),
                "acct": m.acct,
            }
            for m in mentions
        ],
        "tags": [
            {"name": store.tag_names.get(tag, tag), "url": f"https://{store.domain}/tags/{tag}"}
            for tag in dict.fromkeys(status.tags)
        ],
        "emojis": [],
        "quote": None,
        "card": None,
        "poll": None,
        "quote_approval": {"automatic": ["public"], "manual": [], "current_user": "automatic"},
    }
    return body


def _configuration(store: Store, max_characters: int, streaming: str) -> dict[str, Any]:
    feeds = {"local": "public", "remote": "public"}
    return {
        "urls": {
            "streaming": streaming,
            "status": None,
            "about": f"https://{store.domain}/about",
            "privacy_policy": None,
            "terms_of_service": None,
        },
        "vapid": {"public_key": ""},
        "accounts": {"max_featured_tags": 10, "max_pinned_statuses": 5},
        "statuses": {
            "max_characters": max_characters,
            "max_media_attachments": 4,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {
            "description_limit": 1500,
            "image_matrix_limit": 33177600,
            "image_size_limit": 16777216,
            "supported_mime_types": ["image/png"],
            "video_frame_rate_limit": 120,
            "video_matrix_limit": 8294400,
            "video_size_limit": 103809024,
        },
        "polls": {
            "max_options": 4,
            "max_characters_per_option": 50,
            "min_expiration": 300,
            "max_expiration": 2629746,
        },
        "translation": {"enabled": False},
        "timelines_access": {
            "live_feeds": feeds,
            "hashtag_feeds": feeds,
            "trending_link_feeds": feeds,
        },
        "limited_federation": False,
    }


def instance_v2_json(store: Store, *, max_characters: int, streaming: str) -> dict[str, Any]:
    """The Instance entity of ``GET /api/v2/instance``."""
    return {
        "domain": store.domain,
        "title": "Chatbot emulator",
        "version": VERSION,
        "source_url": "https://github.com/mastodon/mastodon",
        "description": "A local Mastodon API emulator for tests and the demo",
        "usage": {"users": {"active_month": len(store.accounts)}},
        "thumbnail": {
            "url": f"https://{store.domain}/thumbnail.png",
            "description": "",
            "blurhash": None,
            "versions": {
                "@1x": f"https://{store.domain}/thumbnail.png",
                "@2x": f"https://{store.domain}/thumbnail@2x.png",
            },
        },
        "icon": [],
        "languages": ["en"],
        "configuration": _configuration(store, max_characters, streaming),
        "registrations": {
            "enabled": False,
            "approval_required": False,
            "reason_required": False,
            "message": None,
            "min_age": None,
            "url": None,
        },
        "api_versions": {"mastodon": API_VERSION},
        "contact": {"email": "", "account": account_json(store.host, store)},
        "rules": [],
    }


def instance_v1_json(store: Store, *, max_characters: int, streaming: str) -> dict[str, Any]:
    """The deprecated V1::Instance entity (Mastodon.py still reads the streaming URL here)."""
    configuration = _configuration(store, max_characters, streaming)
    return {
        "uri": store.domain,
        "title": "Chatbot emulator",
        "short_description": "A local Mastodon API emulator",
        "description": "",
        "email": "",
        "version": VERSION,
        "urls": {"streaming_api": streaming},
        "stats": {
            "user_count": len(store.accounts),
            "status_count": len(store.statuses),
            "domain_count": len({a.domain for a in store.accounts.values()}),
        },
        "thumbnail": f"https://{store.domain}/thumbnail.png",
        "languages": ["en"],
        "registrations": False,
        "approval_required": False,
        "invites_enabled": False,
        "configuration": {k: configuration[k] for k in ("statuses", "media_attachments", "polls")},
        "contact_account": account_json(store.host, store),
        "rules": [],
    }
