"""Permission check, audit and reply for every command and button, in one place."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

import discord

from chatbot.discord_adapter.text import NO_MENTIONS, shorten, split_message
from chatbot.ports import AuditLog, ChatControl

log = logging.getLogger(__name__)

# Discord wants an answer within 3 s; past this, acknowledge first and answer later.
DEFER_AFTER = 2.0


@dataclass(frozen=True, slots=True)
class Reply:
    """What a command answers; ephemeral replies are seen by the caller only."""

    text: str
    ephemeral: bool = False


Action = Callable[[], Awaitable[Reply]]


class Moderation:
    """Runs one command for one member: checks the role, calls the action, replies, audits."""

    def __init__(
        self,
        *,
        control: ChatControl,
        audit: AuditLog,
        guild_id: int,
        moderator_roles: Iterable[int | str],
    ) -> None:
        self.control = control
        self.audit = audit
        self.guild_id = guild_id
        roles = list(moderator_roles)
        self.role_ids = frozenset(role for role in roles if isinstance(role, int))
        self.role_names = frozenset(role.casefold() for role in roles if isinstance(role, str))

    def is_moderator(self, interaction: discord.Interaction) -> bool:
        """Return True for a member of our guild with a moderator role or Manage Server."""
        if interaction.guild_id != self.guild_id:
            return False
        permissions = interaction.permissions
        if permissions.administrator or permissions.manage_guild:
            return True
        user = interaction.user
        if not isinstance(user, discord.Member):
            return False
        # Member.roles resolves ids through the guild cache filled by GUILD_CREATE.
        return any(
            role.id in self.role_ids or role.name.casefold() in self.role_names
            for role in user.roles
        )

    async def run(
        self,
        interaction: discord.Interaction,
        *,
        command: str,
        arguments: str,
        action: Action,
        moderator_only: bool,
        private: bool = False,
    ) -> None:
        """Check permission, run ``action``, send its reply and write the audit entry."""
        if moderator_only and not await self.permitted(
            interaction, command=command, arguments=arguments
        ):
            return
        reply = await self._run_allowed(interaction, action, private=private)
        await self._record(interaction, command, arguments, allowed=True, result=reply.text)

    async def permitted(
        self, interaction: discord.Interaction, *, command: str, arguments: str
    ) -> bool:
        """True for a moderator; anyone else is refused privately, and the refusal audited."""
        if self.is_moderator(interaction):
            return True
        reply = Reply(f"You need the Moderator role to run {command}.", ephemeral=True)
        await self._respond(interaction, reply)
        await self._record(interaction, command, arguments, allowed=False, result=reply.text)
        return False

    async def _run_allowed(
        self, interaction: discord.Interaction, action: Action, *, private: bool
    ) -> Reply:
        task = asyncio.ensure_future(_safely(action))
        done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER)
        if done:
            reply = task.result()
            await self._respond(interaction, reply)
            return reply
        await _send(
            interaction, lambda: interaction.response.defer(thinking=True, ephemeral=private)
        )
        reply = await task
        if reply.ephemeral and not private:
            # The "thinking…" message is public; replace it with a private answer.
            await _send(interaction, interaction.delete_original_response)
        await self._followups(interaction, reply, split_message(reply.text))
        return reply

    async def _respond(self, interaction: discord.Interaction, reply: Reply) -> None:
        chunks = split_message(reply.text)
        sent = await _send(
            interaction,
            lambda: interaction.response.send_message(
                chunks[0], ephemeral=reply.ephemeral, allowed_mentions=NO_MENTIONS
            ),
        )
        if sent:
            await self._followups(interaction, reply, chunks[1:])

    async def _followups(
        self, interaction: discord.Interaction, reply: Reply, chunks: list[str]
    ) -> None:
        for chunk in chunks:

            async def followup(chunk: str = chunk) -> None:
                await interaction.followup.send(
                    chunk, ephemeral=reply.ephemeral, allowed_mentions=NO_MENTIONS
                )

            if not await _send(interaction, followup):
                return

    async def _record(
        self,
        interaction: discord.Interaction,
        command: str,
        arguments: str,
        *,
        allowed: bool,
        result: str,
    ) -> None:
        user = interaction.user
        try:
            await self.audit.record(
                actor_id=user.id,
                actor_name=str(user),
                command=command,
                arguments=arguments,
                allowed=allowed,
                result=shorten(result, limit=1000),
            )
        except Exception:
            log.exception("Could not write the audit entry for %s by %s", command, user.id)


async def _safely(action: Action) -> Reply:
    try:
        return await action()
    except Exception as exc:
        log.exception("Moderator command failed")
        return Reply(f"That failed: {type(exc).__name__}. The details are in the log.", True)


async def _send(interaction: discord.Interaction, call: Callable[[], Awaitable[object]]) -> bool:
    """Send one part of a reply; Discord errors are logged, never raised into discord.py."""
    try:
        await call()
    except Exception as exc:
        log.warning("Could not answer interaction %s: %s", interaction.id, exc)
        return False
    return True
