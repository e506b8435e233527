"""ModeratorBot: the discord.py client, its commands and the feed, kept alive in the background."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Iterable

import discord
import yarl
from discord import app_commands

from chatbot.discord_adapter.admin_commands import build_recap_group, build_schedule_group
from chatbot.discord_adapter.chat_commands import build_chat_group
from chatbot.discord_adapter.feed import DiscordModeratorChannel
from chatbot.discord_adapter.hide_button import HideAuthorButton
from chatbot.discord_adapter.moderation import Moderation
from chatbot.discord_adapter.move_answer import MoveAnswerMenu, form_submitted
from chatbot.discord_adapter.text import NO_MENTIONS
from chatbot.discord_adapter.threads import ThreadStore
from chatbot.ports import AuditLog, ChatControl

log = logging.getLogger(__name__)

HEALTHY_RUN = 60.0  # a connection that lasted this long resets the retry delay


class _Client(discord.Client):
    """discord.py client holding our command tree; rebuilt after a fatal failure."""

    def __init__(self, *, moderation: Moderation) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # GUILD_CREATE fills the role cache the permission check reads
        super().__init__(intents=intents, allowed_mentions=NO_MENTIONS)
        self.moderation = moderation
        self.tree = app_commands.CommandTree(self)
        self._guild = discord.Object(moderation.guild_id)
        for group in (
            build_chat_group(moderation),
            build_recap_group(moderation),
            build_schedule_group(moderation),
        ):
            self.tree.add_command(group, guild=self._guild)

    async def setup_hook(self) -> None:
        """Route button clicks and register the commands in our guild."""
        self.add_dynamic_items(HideAuthorButton, MoveAnswerMenu)
        try:
            await self.tree.sync(guild=self._guild)
        except discord.DiscordServerError:
            raise  # Discord is struggling: let the supervisor retry the login
        except discord.HTTPException as exc:
            log.error("Discord refused our slash commands: %s", exc)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Forms are answered here, by their custom_id, so they outlive a restart."""
        if interaction.type == discord.InteractionType.modal_submit:
            await form_submitted(interaction)


class ModeratorBot:
    """The Discord side of the host: slash commands in, live feed out; never blocks a chat."""

    def __init__(
        self,
        *,
        token: str,
        guild_id: int,
        channel_id: int,
        moderator_roles: Iterable[int | str],
        control: ChatControl,
        audit: AuditLog,
        api_base: str | None = None,
        gateway_url: str | None = None,
        flush_interval: float = 2.0,
        max_pending: int = 500,
        retry_max_delay: float = 60.0,
        thread_store: ThreadStore | None = None,
    ) -> None:
        self._token = token.strip()
        self._api_base = api_base
        self._gateway_url = gateway_url
        self._saved_endpoints: tuple[str, yarl.URL] | None = None
        self._retry_max_delay = retry_max_delay
        self.moderation = Moderation(
            control=control, audit=audit, guild_id=guild_id, moderator_roles=moderator_roles
        )
        self.channel = DiscordModeratorChannel(
            channel_id=channel_id,
            client=self._logged_in_client,
            flush_interval=flush_interval,
            max_pending=max_pending,
            retry_max_delay=retry_max_delay,
            thread_store=thread_store,
        )
        self._client: _Client | None = None
        self._logged_in = False
        self._closing = False
        self._task: asyncio.Task[None] | None = None

    @property
    def client(self) -> discord.Client | None:
        """The current discord.py client, if one is running."""
        return self._client

    async def start(self) -> None:
        """Connect in a background task and return at once; without a token, stay off."""
        if not self._token:
            log.warning("No Discord token: moderator commands and the live feed are off")
            self.channel.enabled = False
            return
        if self._task is not None:
            return
        self._point_at_endpoints()
        self._task = asyncio.get_running_loop().create_task(
            self._supervise(), name="discord-moderator-bot"
        )

    async def close(self) -> None:
        """Disconnect, stop the background tasks and drop what is still queued."""
        self._closing = True
        await self.channel.close()
        if self._client is not None and not self._client.is_closed():
            await self._client.close()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        self._restore_endpoints()

    def _logged_in_client(self) -> discord.Client | None:
        return self._client if self._logged_in else None

    async def _supervise(self) -> None:
        delay = 1.0
        while not self._closing:
            client = self._client = _Client(moderation=self.moderation)
            began = time.monotonic()
            try:
                await client.login(self._token)
                self._logged_in = True
                log.info("Logged in to Discord as %s", client.user)
                # Gateway drops are resumed inside connect(); it returns only when closed.
                await client.connect(reconnect=True)
            except discord.LoginFailure:
                log.error("Discord rejected the bot token; moderator bot stays off")
                return
            except Exception as exc:
                log.warning("Discord unavailable: %s", exc)
            finally:
                self._logged_in = False
                if not client.is_closed():
                    await client.close()
            if self._closing:
                return
            if time.monotonic() - began > HEALTHY_RUN:
                delay = 1.0
            wait = min(delay, self._retry_max_delay) * random.uniform(0.5, 1.0)
            log.info("Reconnecting to Discord in %.1fs", wait)
            await asyncio.sleep(wait)
            delay = min(delay * 2, self._retry_max_delay)

    def _point_at_endpoints(self) -> None:
        """Send REST and gateway traffic to ``api_base``/``gateway_url`` (tests, demo)."""
        if self._api_base is None and self._gateway_url is None:
            return
        websocket = discord.gateway.DiscordWebSocket
        self._saved_endpoints = (discord.http.Route.BASE, websocket.DEFAULT_GATEWAY)
        if self._api_base is not None:
            discord.http.Route.BASE = self._api_base.rstrip("/")
        if self._gateway_url is not None:
            websocket.DEFAULT_GATEWAY = yarl.URL(self._gateway_url)

    def _restore_endpoints(self) -> None:
        if self._saved_endpoints is not None:
            base, gateway = self._saved_endpoints
            discord.http.Route.BASE = base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway
            self._saved_endpoints = None
