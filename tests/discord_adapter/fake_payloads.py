"""Discord API object shapes (v10) for the fake server: users, guild, messages, threads."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

GUILD_ID = 900000000000000001
CHANNEL_ID = 900000000000000002
BOT_ID = 900000000000000003  # the bot user and its application share an id
MOD_ROLE_ID = 900000000000000004
MODERATOR_ID = 900000000000000005
VIEWER_ID = 900000000000000006
ADMIN_ID = 900000000000000007

MANAGE_GUILD = 1 << 5
_ids = itertools.count(910000000000000000)


def next_id() -> str:
    """Return a fresh snowflake as Discord sends it (a string)."""
    return str(next(_ids))


def now_iso() -> str:
    """Return the current time in Discord's ISO 8601 format."""
    return datetime.now(UTC).isoformat()


def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    """Return a user object."""
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": name.title(),
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


BOT_USER = user(BOT_ID, "chatbot", bot=True)
MODERATOR = user(MODERATOR_ID, "mod")
VIEWER = user(VIEWER_ID, "viewer")
ADMIN = user(ADMIN_ID, "owner")


def member(
    who: dict[str, Any], *, roles: list[int], permissions: int | None = None
) -> dict[str, Any]:
    """Return a guild member; interactions add the member's resolved permissions."""
    data: dict[str, Any] = {
        "user": who,
        "roles": [str(role) for role in roles],
        "joined_at": "2024-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": None,
        "avatar": None,
        "pending": False,
    }
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def role(role_id: int, name: str, *, position: int, permissions: int = 0) -> dict[str, Any]:
    """Return a role object."""
    return {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def text_channel(channel_id: int, name: str) -> dict[str, Any]:
    """Return a guild text channel (type 0)."""
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "topic": None,
        "rate_limit_per_user": 0,
        "parent_id": None,
        "last_message_id": None,
        "default_auto_archive_duration": 1440,
    }


def thread(
    thread_id: str, *, parent_id: int, name: str, thread_type: int, minutes: int
) -> dict[str, Any]:
    """Return a thread channel; discord.py needs message_count and member_count."""
    return {
        "id": thread_id,
        "type": thread_type,
        "guild_id": str(GUILD_ID),
        "parent_id": str(parent_id),
        "owner_id": str(BOT_ID),
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": minutes,
            "archive_timestamp": now_iso(),
            "locked": False,
            "create_timestamp": now_iso(),
        },
    }


def guild() -> dict[str, Any]:
    """Return the GUILD_CREATE payload: roles, members (moderator and not) and channels."""
    everyone = role(GUILD_ID, "@everyone", position=0, permissions=(1 << 10) | (1 << 11))
    return {
        "id": str(GUILD_ID),
        "name": "Chat hosts",
        "unavailable": False,
        "owner_id": str(ADMIN_ID),
        "member_count": 4,
        "large": False,
        "joined_at": "2024-01-01T00:00:00+00:00",
        "features": [],
        "emojis": [],
        "stickers": [],
        "roles": [everyone, role(MOD_ROLE_ID, "Moderator", position=1)],
        "members": [
            member(BOT_USER, roles=[]),
            member(MODERATOR, roles=[MOD_ROLE_ID]),
            member(VIEWER, roles=[]),
            member(ADMIN, roles=[]),
        ],
        "channels": [text_channel(CHANNEL_ID, "moderators")],
        "threads": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "preferred_locale": "en-US",
    }


def message(channel_id: str, payload: dict[str, Any], *, author: dict[str, Any]) -> dict[str, Any]:
    """Return the message object Discord answers a create-message request with."""
    return {
        "id": next_id(),
        "channel_id": channel_id,
        "author": author,
        "content": payload.get("content") or "",
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": payload.get("embeds") or [],
        "components": payload.get("components") or [],
        "pinned": False,
        "type": 0,
        "flags": payload.get("flags") or 0,
    }
