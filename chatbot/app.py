"""The composition root: builds the real objects from settings and wires them together.

Only this module imports both the core (``chatbot.hosting``) and the adapters
(``chatbot.x``, ``chatbot.bluesky``, ``chatbot.mastodon``, ``chatbot.discord_adapter``,
``chatbot.storage``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Union

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from chatbot.catalog import Catalog, load_catalog
from chatbot.discord_adapter import ModeratorBot
from chatbot.domain.network import Author, Network
from chatbot.domain.posts import XUser
from chatbot.errors import SetupError
from chatbot.heap import settle
from chatbot.hosting.deps import RunnerDeps
from chatbot.hosting.host import Host
from chatbot.hosting.host_control import HostControl
from chatbot.hosting.notices import LoggedModerators
from chatbot.hosting.publisher import Publisher
from chatbot.hosting.recap_service import RecapService
from chatbot.hosting.runner import ChatRunner
from chatbot.hosting.usage import UsageLedger
from chatbot.ports import Clock, NetAuthError, NetError, Outlet, XAuthError, XError, XMeter
from chatbot.scheduling import ChatScheduler
from chatbot.settings import Settings
from chatbot.storage.audit import StoreAuditLog
from chatbot.storage.chat_store import SqlChatStore
from chatbot.storage.discord_threads import StoreThreadStore
from chatbot.storage.engine import make_engine, normalise_url, upgrade
from chatbot.storage.leader import leadership_for
from chatbot.storage.repository import Repository
from chatbot.x.client import TweepyXClient
from chatbot.x.search import MAX_PAGES

if TYPE_CHECKING:
    from chatbot.bluesky.outlet import BlueskyOutlet
    from chatbot.mastodon.outlet import MastodonOutlet

log = logging.getLogger("chatbot.app")


def open_store(database_url: str) -> Repository:
    """Connect to the database and bring its schema up to date; SetupError if it cannot."""
    try:
        engine = make_engine(database_url)
        upgrade(engine)
    except (SQLAlchemyError, ValueError, OSError) as exc:
        raise SetupError(_database_problem(database_url, exc)) from exc
    return Repository(engine)


def _database_problem(database_url: str, exc: Exception) -> str:
    """One line on why the database did not open, without its password."""
    try:
        where = make_url(normalise_url(database_url)).render_as_string(hide_password=True)
    except (SQLAlchemyError, ValueError):
        return "DATABASE_URL is not a database URL (e.g. postgresql+psycopg://user@host/chatbot)"
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"cannot open the database {where}: {lines[0] if lines else type(exc).__name__}"


def load_chats(settings: Settings) -> Catalog:
    """Load the chat files; log each problem (its chat is not hosted, the others are)."""
    catalog = load_catalog(settings.chat_dir)
    for problem in catalog.problems:
        log.error("%s (run `chatbot check` for every problem)", problem)
    if not catalog.enabled_chats():
        log.warning("No valid enabled chat in %s: nothing to host", settings.chat_dir.resolve())
    return catalog


def x_client(
    settings: Settings,
    meter: XMeter,
    now: Callable[[], datetime] | None = None,
    *,
    search_pages: int = MAX_PAGES,
    clock: Clock | None = None,
) -> TweepyXClient:
    """The tweepy client from the X credentials in the settings; ``search_pages`` is how
    many pages one search call reads (the host reads one, storing each before the next);
    ``clock`` is the time its windows and waits follow (the host's)."""
    if not settings.has_x_credentials:
        raise SetupError(
            "X credentials are missing: set X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN and "
            "X_ACCESS_TOKEN_SECRET in .env (see README: hosting a real chat), "
            "or try `chatbot demo`, which needs none."
        )

    def secret(value: object) -> str:
        return value.get_secret_value() if value is not None else ""  # type: ignore[attr-defined]

    return TweepyXClient(
        consumer_key=secret(settings.x_api_key),
        consumer_secret=secret(settings.x_api_secret),
        access_token=secret(settings.x_access_token),
        access_token_secret=secret(settings.x_access_token_secret),
        bearer_token=secret(settings.x_bearer_token) or None,  # search spends the app's budget
        base_url=settings.x_api_base_url,
        meter=meter,
        now=clock.now if clock else now,
        sleep=clock.sleep if clock else None,
        search_max_pages=search_pages,
    )


NetOutlet = Union["BlueskyOutlet", "MastodonOutlet"]


def outlet_for(
    settings: Settings, network: Network, clock: Clock
) -> BlueskyOutlet | MastodonOutlet:
    """The Bluesky or Mastodon outlet from the credentials in the settings (their client
    libraries are imported only for chats that need them: start-up stays quick)."""
    if network is Network.BLUESKY:
        from chatbot.bluesky.client import BlueskyClient
        from chatbot.bluesky.outlet import BlueskyOutlet

        if not settings.bluesky_handle or settings.bluesky_app_password is None:
            raise SetupError(
                "a chat is hosted on Bluesky: set BLUESKY_HANDLE and BLUESKY_APP_PASSWORD "
                "in .env (see README: hosting on Bluesky and Mastodon)"
            )
        client = BlueskyClient(
            service=settings.bluesky_service,
            handle=settings.bluesky_handle,
            app_password=settings.bluesky_app_password.get_secret_value(),
            now=clock.now,
        )
        return BlueskyOutlet(client, jetstream=settings.bluesky_jetstream, now=clock.now)
    if network is Network.MASTODON:
        from chatbot.mastodon.client import MastodonClient
        from chatbot.mastodon.outlet import MastodonOutlet

        if not settings.mastodon_base_url or settings.mastodon_access_token is None:
            raise SetupError(
                "a chat is hosted on Mastodon: set MASTODON_BASE_URL and MASTODON_ACCESS_TOKEN "
                "in .env (see README: hosting on Bluesky and Mastodon)"
            )
        return MastodonOutlet(
            MastodonClient(
                base_url=settings.mastodon_base_url,
                access_token=settings.mastodon_access_token.get_secret_value(),
                now=clock.now,
                sleep=clock.sleep,
            )
        )
    raise ValueError(f"X is not an outlet: {network}")


async def connect_outlets(
    catalog: Catalog, outlets: Mapping[Network, NetOutlet]
) -> dict[Network, Author]:
    """Log in on each network; the host account there. A chat whose ``[hosts]`` names
    another account than the credentials open is not hosted (logged, as a bad file)."""
    accounts: dict[Network, Author] = {}
    for network, outlet in outlets.items():
        try:
            accounts[network] = await outlet.connect()
        except NetAuthError as exc:
            raise SetupError(f"{network} refused the credentials in .env: {exc}") from exc
        except NetError as exc:
            # Down at start: the chats go on without it, and it is tried again meanwhile.
            log.error(
                "%s could not be reached (%s): chats starting now are hosted without it; "
                "it is tried again every minute",
                network,
                exc,
            )
            continue
        log.info("Posting on %s as @%s", network, accounts[network].handle)
    for chat in list(catalog.chats.values()):
        for network in chat.networks:
            account = accounts.get(network)
            wanted = chat.hosts.get(network, "").lstrip("@").lower()
            if account is not None and wanted and wanted != account.handle.lower():
                log.error(
                    "%s: its %s host is @%s, but the credentials are @%s's; chat not hosted "
                    "(run `chatbot doctor`)",
                    chat.slug,
                    network,
                    wanted,
                    account.handle,
                )
                del catalog.chats[chat.slug]
                break
    return accounts


async def reconnect_outlets(
    outlets: Mapping[Network, NetOutlet], accounts: dict[Network, Author], clock: Clock
) -> None:
    """Log in, every minute, on the networks that were down at start; each one that
    answers joins ``accounts`` (the host's), so the chats opened after that post there."""
    while missing := [n for n in outlets if n not in accounts]:
        await clock.sleep(60)
        for network in missing:
            try:
                accounts[network] = await outlets[network].connect()
            except NetAuthError as exc:
                log.error("%s refused the credentials in .env: %s", network, exc)
            except NetError as exc:
                log.info("%s still cannot be reached: %s", network, exc)
            else:
                log.warning("%s answers again: chats opened from now on post there", network)


def networks_named(catalog: Catalog) -> list[Network]:
    """The networks besides X the catalog's chats are hosted on."""
    named = {n for chat in catalog.chats.values() for n in chat.networks if n is not Network.X}
    return sorted(named)


@dataclass
class Hosting:
    """Everything a running host is made of."""

    deps: RunnerDeps
    host: Host
    recaps: RecapService
    control: HostControl
    moderators: LoggedModerators
    bot: ModeratorBot | None = None


def wire(
    settings: Settings,
    *,
    catalog: Catalog,
    store: SqlChatStore,
    x: TweepyXClient,
    usage: UsageLedger,
    host_user: XUser,
    clock: Clock,
    discord_endpoints: tuple[str, str] | None = None,
    discord_retry_max_delay: float = 60.0,
    outlets: Mapping[Network, Outlet] | None = None,
    net_hosts: dict[Network, Author] | None = None,
) -> Hosting:
    """Build the host, its recap service, its controls and (with a token) the Discord bot.

    ``usage`` is the meter ``x`` counts into; both write through ``store``. ``outlets``
    are the other networks (connected), ``net_hosts`` the host's account on each.
    """
    moderators = LoggedModerators()
    deps = RunnerDeps(
        store=store,
        x=x,
        moderators=moderators,
        clock=clock,
        host_user=host_user,
        usage=usage,
        publisher=Publisher(store=store, x=x, usage=usage),
        poll_seconds=settings.poll_seconds,
        outlets=dict(outlets or {}),
        net_hosts=net_hosts if net_hosts is not None else {},  # the same: it may grow
    )
    recaps = RecapService(
        catalog=catalog,
        deps=deps,
        records=store.repository,
        out_dir=settings.recaps,
        prices=settings.prices,
    )

    async def finished(runner: ChatRunner) -> None:
        recaps.start(runner.chat, runner.occurrence_id)

    host = Host(catalog=catalog, deps=deps, on_finished=finished)
    control = HostControl(host=host, recaps=recaps)
    hosting = Hosting(deps, host, recaps, control, moderators)
    token = settings.discord_token.get_secret_value() if settings.discord_token else ""
    if token and settings.discord_guild_id and settings.discord_channel_id:
        api_base, gateway = discord_endpoints or (None, None)
        hosting.bot = ModeratorBot(
            token=token,
            guild_id=settings.discord_guild_id,
            channel_id=settings.discord_channel_id,
            moderator_roles=settings.moderator_roles,
            control=control,
            audit=StoreAuditLog(store.repository, now=clock.now),
            api_base=api_base,
            gateway_url=gateway,
            retry_max_delay=discord_retry_max_delay,
            thread_store=StoreThreadStore(store.repository),
        )
        moderators.inner = hosting.bot.channel
    elif token:
        log.warning("DISCORD_TOKEN is set but DISCORD_GUILD_ID or DISCORD_CHANNEL_ID is not")
    return hosting


async def start(hosting: Hosting, *, schedule: bool = True) -> ChatScheduler | None:
    """Connect Discord (in the background), resume chats and recaps, plan the schedule."""
    if hosting.bot is not None:
        await hosting.bot.start()
    await hosting.host.resume_all()
    await hosting.recaps.resume_pending()
    if not schedule:
        return None
    scheduler = ChatScheduler(hosting.host)
    scheduler.start()
    return scheduler


async def stop(hosting: Hosting, scheduler: ChatScheduler | None) -> None:
    """Stop firing jobs, stop the chats (their state is saved), disconnect, finish writes."""
    if scheduler is not None:
        scheduler.shutdown()
    await hosting.host.stop()
    await hosting.recaps.stop()
    if hosting.bot is not None:
        await hosting.bot.close()
    await hosting.deps.store.close()


async def run(
    settings: Settings, *, stop_event: asyncio.Event | None = None, clock: Clock | None = None
) -> int:
    """``chatbot run``: host every enabled chat until stopped; return the exit status.

    ``clock`` is real time unless a rehearsal (the chaos campaign) runs chat time faster.
    """
    from chatbot.clock import SystemClock

    clock = clock or SystemClock()
    stop_event = stop_event or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop_event.set)
    catalog = load_chats(settings)
    store = SqlChatStore(await asyncio.to_thread(open_store, settings.database))
    usage = UsageLedger(store)
    x = x_client(settings, usage, search_pages=1, clock=clock)
    outlets = {n: outlet_for(settings, n, clock) for n in networks_named(catalog)}
    leadership = leadership_for(settings.database)
    try:
        log.info("Waiting to lead: %s", leadership.describe())
        if not await _first(leadership.acquire(), stop_event.wait()):
            return 0
        try:
            me = await x.check_write_access()  # a read-only token says so now, not at 20:00
        except XAuthError as exc:
            raise SetupError(f"X refused the credentials in .env: {exc}") from exc
        except XError as exc:
            raise SetupError(f"X could not be reached at {settings.x_api_base_url}: {exc}") from exc
        net_hosts = await connect_outlets(catalog, outlets)
        log.info("Posting as @%s; hosting %d chat(s)", me.username, len(catalog.enabled_chats()))
        hosting = wire(
            settings,
            catalog=catalog,
            store=store,
            x=x,
            usage=usage,
            host_user=me,
            clock=clock,
            outlets=outlets,
            net_hosts=net_hosts,
        )
        scheduler = await start(hosting)
        reconnecting = asyncio.create_task(reconnect_outlets(outlets, net_hosts, clock))
        await asyncio.to_thread(settle)  # what start-up made, frozen out of the GC's way
        try:
            kept = await _first(stop_event.wait(), leadership.lost())
        finally:
            reconnecting.cancel()
            await asyncio.gather(reconnecting, return_exceptions=True)
            await stop(hosting, scheduler)
        if not kept:
            log.error("Lost the database lock: stopping so another process can host")
            return 3
        return 0
    finally:
        await x.close()
        for outlet in outlets.values():
            await outlet.close()
        leadership.release()


async def _first(wanted: Awaitable[object], other: Awaitable[object]) -> bool:
    """Await two coroutines until one finishes; True when ``wanted`` finished first."""
    first = asyncio.ensure_future(wanted)
    second = asyncio.ensure_future(other)
    done, pending = await asyncio.wait({first, second}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return first in done
