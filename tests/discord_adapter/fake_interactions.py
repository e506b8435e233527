"""The fake Discord's interactions: users invoking commands, autocompleting, clicking."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.discord_adapter import fake_payloads as p

EPHEMERAL = 64
BASIC_PERMISSIONS = (1 << 10) | (1 << 11)  # view channel, send messages
PEOPLE = {
    "moderator": p.member(p.MODERATOR, roles=[p.MOD_ROLE_ID], permissions=BASIC_PERMISSIONS),
    "viewer": p.member(p.VIEWER, roles=[], permissions=BASIC_PERMISSIONS),
    "admin": p.member(p.ADMIN, roles=[], permissions=BASIC_PERMISSIONS | p.MANAGE_GUILD),
}


@dataclass
class Answer:
    """One thing the bot sent back for an interaction."""

    kind: str  # "callback", "followup", "edit", "delete"
    body: Any

    @property
    def data(self) -> dict[str, Any]:
        """The message part: callback bodies nest it under "data"."""
        if self.kind == "callback":
            return self.body.get("data") or {}
        return self.body or {}

    @property
    def ephemeral(self) -> bool:
        """True when the message carries the EPHEMERAL flag (64)."""
        return bool((self.data.get("flags") or 0) & EPHEMERAL)


class InteractionsMixin:
    """Builds INTERACTION_CREATE events and records the bot's answers per token."""

    def __init__(self) -> None:
        self.answers: dict[str, list[Answer]] = {}
        self._answered = asyncio.Condition()

    async def dispatch(self, event: str, data: Any) -> None:  # provided by FakeDiscord
        raise NotImplementedError

    async def invoke(self, path: str, *, who: str = "moderator", **options: str | int) -> str:
        """Run a slash command such as "chat next" as ``who``; return the interaction token."""
        group, sub = path.split(" ")
        data = {
            "id": p.next_id(),
            "name": group,
            "type": 1,
            "guild_id": str(p.GUILD_ID),
            "options": [{"type": 1, "name": sub, "options": _options(options)}],
        }
        return await self._interact(2, data, who=who)

    async def autocomplete(self, path: str, *, who: str = "moderator", **options: str) -> str:
        """Type into a command's option (the first one given is focused)."""
        group, sub = path.split(" ")
        typed = _options(options)
        typed[0]["focused"] = True
        data = {
            "id": p.next_id(),
            "name": group,
            "type": 1,
            "guild_id": str(p.GUILD_ID),
            "options": [{"type": 1, "name": sub, "options": typed}],
        }
        return await self._interact(4, data, who=who)

    async def click(
        self, custom_id: str, *, message: dict[str, Any], who: str = "moderator"
    ) -> str:
        """Click a button with ``custom_id`` on ``message``."""
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interact(3, data, who=who, message=message)

    async def choose(
        self, custom_id: str, values: list[str], *, message: dict[str, Any], who: str = "moderator"
    ) -> str:
        """Choose ``values`` in the menu ``custom_id`` on ``message``."""
        data = {"custom_id": custom_id, "component_type": 3, "values": values}
        return await self._interact(3, data, who=who, message=message)

    async def submit(
        self, custom_id: str, fields: dict[str, str], *, who: str = "moderator"
    ) -> str:
        """Submit the form ``custom_id`` with ``fields`` (field custom_id: what was typed)."""
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": name, "value": value}]}
            for name, value in fields.items()
        ]
        return await self._interact(5, {"custom_id": custom_id, "components": rows}, who=who)

    async def answers_for(self, token: str, *, count: int = 1, within: float = 5.0) -> list[Answer]:
        """Wait until the bot has answered interaction ``token`` ``count`` times."""
        async with asyncio.timeout(within), self._answered:
            await self._answered.wait_for(lambda: len(self.answers.get(token, [])) >= count)
        return self.answers[token]

    async def _interact(self, kind: int, data: dict[str, Any], *, who: str, **extra: Any) -> str:
        token = f"token-{p.next_id()}"
        self.answers[token] = []
        payload = {
            "id": p.next_id(),
            "application_id": str(p.BOT_ID),
            "type": kind,
            "data": data,
            "guild_id": str(p.GUILD_ID),
            "guild": {"id": str(p.GUILD_ID), "locale": "en-US", "features": []},
            "channel_id": str(p.CHANNEL_ID),
            "channel": p.text_channel(p.CHANNEL_ID, "moderators"),
            "member": PEOPLE[who],
            "token": token,
            "version": 1,
            "app_permissions": "2251799813685247",
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(p.GUILD_ID)},
            "context": 0,
            "attachment_size_limit": 8388608,
            **extra,
        }
        await self.dispatch("INTERACTION_CREATE", payload)
        return token

    def _interaction_rest(self, method: str, parts: list[str], body: Any) -> web.Response:
        from tests.discord_adapter.fake_discord import reply

        match method, parts:
            case "POST", ["interactions", interaction_id, token, "callback"]:
                self._record(token, Answer("callback", body))
                return reply(_callback_response(interaction_id, body))
            case "POST", ["webhooks", _, token]:
                self._record(token, Answer("followup", body))
                return reply(p.message(str(p.CHANNEL_ID), body, author=p.BOT_USER))
            case "PATCH", ["webhooks", _, token, "messages", "@original"]:
                self._record(token, Answer("edit", body))
                return reply(p.message(str(p.CHANNEL_ID), body, author=p.BOT_USER))
            case "DELETE", ["webhooks", _, token, "messages", "@original"]:
                self._record(token, Answer("delete", None))
                return web.Response(status=204)
        return reply({"message": "404: Not Found", "code": 0}, status=404)

    def _record(self, token: str, answer: Answer) -> None:
        self.answers.setdefault(token, []).append(answer)

        async def wake() -> None:
            async with self._answered:
                self._answered.notify_all()

        asyncio.get_running_loop().create_task(wake())


def _options(options: dict[str, str | int]) -> list[dict[str, Any]]:
    return [
        {"name": name, "type": 4 if isinstance(value, int) else 3, "value": value}
        for name, value in options.items()
    ]


def _callback_response(interaction_id: str, body: dict[str, Any]) -> dict[str, Any]:
    kind = body["type"]
    data = body.get("data") or {}
    resource: dict[str, Any] = {"type": kind}
    interaction = {
        "id": interaction_id,
        "type": 2,
        "response_message_loading": kind == 5,
        "response_message_ephemeral": bool((data.get("flags") or 0) & EPHEMERAL),
    }
    if kind in (4, 7):
        message = p.message(str(p.CHANNEL_ID), data, author=p.BOT_USER)
        resource["message"] = message
        interaction["response_message_id"] = message["id"]
    return {"interaction": interaction, "resource": resource}
