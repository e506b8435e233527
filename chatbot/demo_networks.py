"""``chatbot demo --networks x,bluesky,mastodon``: the demo's chat on Bluesky and Mastodon too.

Each network's emulator runs in-process on 127.0.0.1 on the demo's accelerated clock,
with its own simulated crowd (the same people, answering the Bluesky or the Mastodon
way); the bot logs in to each through the same outlets as ``chatbot run``. Imported only
when the demo names another network, so the plain demo starts as fast as before.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chatbot.bluesky.client import BlueskyClient
from chatbot.bluesky.outlet import BlueskyOutlet
from chatbot.domain.network import Author, Network, stored_id
from chatbot.emulator.bluesky import HOST_APP_PASSWORD, HOST_HANDLE, BlueskyCrowd, BlueskyEmulator
from chatbot.emulator.mastodon import MastodonEmulator
from chatbot.emulator.mastodon.crowd import CrowdStage
from chatbot.mastodon.client import MastodonClient
from chatbot.mastodon.outlet import MastodonOutlet
from chatbot.ports import Clock, Outlet
from chatbot.simulation import SPAMMER, Crowd
from chatbot.storage.repository import Repository

MASTODON_HOST = "smbchat"


@dataclass
class DemoNetworks:
    """The Bluesky and Mastodon emulators, their crowds and the bot's outlets on them."""

    networks: tuple[Network, ...]
    clock: Clock
    hashtag: str
    seed: int
    people: int
    outlets: dict[Network, Outlet] = field(default_factory=dict)
    hosts: dict[Network, Author] = field(default_factory=dict)
    bluesky: BlueskyEmulator | None = None
    mastodon: MastodonEmulator | None = None
    bluesky_crowd: BlueskyCrowd | None = None
    mastodon_crowd: Crowd | None = None
    _closers: list[Any] = field(default_factory=list)

    def host_handles(self) -> dict[Network, str]:
        """The host account on each of the demo's other networks, as ``[hosts]`` names it."""
        handles = {Network.BLUESKY: HOST_HANDLE, Network.MASTODON: MASTODON_HOST}
        return {n: handles[n] for n in self.networks if n in handles}

    async def start(self) -> None:
        """Start the emulators and their crowds; log the bot in on each."""
        now = self.clock.now
        if Network.BLUESKY in self.networks:
            self.bluesky = BlueskyEmulator(now=now)
            await self.bluesky.start("127.0.0.1", 0)
            self._closers.append(self.bluesky)
            self.bluesky_crowd = BlueskyCrowd(
                self.bluesky, self.hashtag, seed=self.seed, size=self.people
            )
            client = BlueskyClient(
                service=self.bluesky.base_url,
                handle=HOST_HANDLE,
                app_password=HOST_APP_PASSWORD,
                now=now,
            )
            outlet = BlueskyOutlet(client, jetstream=self.bluesky.jetstream_url, now=now)
            self.outlets[Network.BLUESKY] = outlet
        if Network.MASTODON in self.networks:
            self.mastodon = MastodonEmulator(now=now)
            await self.mastodon.start("127.0.0.1", 0)
            self._closers.append(self.mastodon)
            stage = CrowdStage(self.mastodon)
            # CrowdStage speaks the X emulator's participant API.
            self.mastodon_crowd = Crowd(
                stage,  # type: ignore[arg-type]
                self.hashtag,
                stage.host_id,
                seed=self.seed,
                size=self.people,
            )
            masto = MastodonClient(
                base_url=self.mastodon.base_url,
                access_token=self.mastodon.token,
                now=now,
                sleep=self.clock.sleep,
            )
            self.outlets[Network.MASTODON] = MastodonOutlet(masto)
        for network, each in self.outlets.items():
            self.hosts[network] = await each.connect()

    def describe(self) -> str:
        """Where each emulator listens, for the demo's first lines."""
        parts = []
        if self.bluesky is not None:
            parts.append(f"Bluesky ({self.bluesky.base_url})")
        if self.mastodon is not None:
            parts.append(f"Mastodon ({self.mastodon.base_url})")
        return ", ".join(parts)

    def act(self, now: datetime, *, intensity: float) -> None:
        """Let each network's crowd post."""
        for crowd in (self.bluesky_crowd, self.mastodon_crowd):
            if crowd is not None:
                crowd.act(now, intensity=intensity)

    def spammers(self) -> list[str]:
        """The spammer's handle on each network the demo's moderator hides them on."""
        if self.mastodon is None or self.mastodon_crowd is None:
            return []
        stage = self.mastodon_crowd.emulator
        assert isinstance(stage, CrowdStage)
        acct = stage.accts.get(SPAMMER[0])
        if acct is None:
            return []
        return [acct if "@" in acct else f"{acct}@{self.mastodon.domain}"]

    def figures(self, store: Repository, occurrence_id: int) -> list[str]:
        """Per network: the bot's posts (doubled?) and the crowd's posts (lost?)."""
        stored = {p.id for p in store.collected_posts(occurrence_id)}
        hidden = {h.lower() for h in self.spammers()}
        lines = []
        if self.bluesky is not None and self.bluesky_crowd is not None:
            did = self.bluesky.host_did
            texts = [p["record"]["text"] for p in self.bluesky.posts() if p["author"]["did"] == did]
            uris = list(self.bluesky_crowd.truth)
            lost = [u for u in uris if stored_id(Network.BLUESKY, u) not in stored]
            lines.append(_line("Bluesky", texts, len(uris), len(lost)))
        if self.mastodon is not None and self.mastodon_crowd is not None:
            statuses = self.mastodon.statuses()
            texts = [s["content"] for s in statuses if s["account"]["username"] == MASTODON_HOST]
            by_id = {str(s["id"]): s for s in statuses}
            ids = [
                str(i)
                for i in self.mastodon_crowd.truth
                if str(i) in by_id and by_id[str(i)]["account"]["acct"].lower() not in hidden
                and i not in self.mastodon_crowd.spam
            ]  # fmt: skip
            lost = [i for i in ids if stored_id(Network.MASTODON, i) not in stored]
            lines.append(_line("Mastodon", texts, len(ids), len(lost)))
        return lines

    def failed(self, store: Repository, occurrence_id: int) -> bool:
        """True when a network lost an answer or got a post twice."""
        return any(
            " lost: 0 " not in line or " doubled: 0 " not in line
            for line in self.figures(store, occurrence_id)
        )

    async def stop(self) -> None:
        """Log out and stop the emulators."""
        for outlet in self.outlets.values():
            close = getattr(outlet, "close", None)
            if close is not None:
                await close()
        for emulator in self._closers:
            await emulator.stop()


def _line(name: str, texts: list[str], made: int, lost: int) -> str:
    doubled = sum(n - 1 for n in Counter(texts).values() if n > 1)
    return (
        f"{name}: bot posts {len(texts)}, doubled: {doubled} ; participants' posts "
        f"{made}, lost: {lost} of {made}"
    )
