"""Simulated participants on the emulated instance: ``chatbot.simulation.Crowd`` (written
for the X emulator) drives a CrowdStage as it drives an XEmulator, so the demo's people
can answer on Mastodon too, some from other instances.

    stage = CrowdStage(mastodon_emulator)
    crowd = Crowd(emulator=stage, hashtag="#SMBchat", host_id=stage.host_id)
    crowd.act(now)  # statuses appear in the tag timeline and the hashtag stream

Post ids are ints here, as Crowd keeps them; ``str(id)`` is the status id on the API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from chatbot.emulator.mastodon.server import MastodonEmulator
from chatbot.emulator.mastodon.store import Account

REMOTE_DOMAINS = ("fosstodon.example", "mas.to.example", "hachyderm.example")


@dataclass(frozen=True, slots=True)
class StagePost:
    """What Crowd reads of the host's statuses to find the questions."""

    id: int
    text: str
    in_reply_to_user_id: int | None
    quoted_post_id: int | None = None


class CrowdStage:
    """The Mastodon emulator with the X emulator's participant methods (``add_user``,
    ``add_post``, ``state.store.timeline``); every ``remote_every``-th person comes from
    another instance."""

    def __init__(
        self,
        emulator: MastodonEmulator,
        *,
        remote_domains: Sequence[str] = REMOTE_DOMAINS,
        remote_every: int = 3,
    ) -> None:
        self.emulator = emulator
        self.remote_domains = tuple(remote_domains)
        self.remote_every = remote_every
        self.accts: dict[str, str] = {}  # username -> acct on this instance
        self.state = self  # Crowd reads ``emulator.state.store``
        self.store = self

    @property
    def host_id(self) -> int:
        """The host account's id, as Crowd's ``host_id``."""
        return int(self.emulator.state.store.host.id)

    def add_user(
        self, username: str, *, name: str | None = None, followers_count: int = 0
    ) -> Account:
        """Create a participant, local or (every ``remote_every``-th) on another instance."""
        count = len(self.accts)
        acct = username
        if self.remote_domains and self.remote_every and count % self.remote_every == 1:
            acct = f"{username}@{self.remote_domains[count % len(self.remote_domains)]}"
        account = self.emulator.add_account(
            acct, display_name=name, followers_count=followers_count
        )
        self.accts[username] = account.acct
        return account

    def add_post(
        self,
        username: str,
        text: str,
        *,
        created_at: datetime | None = None,
        reply_to: int | None = None,
        retweet_of: int | None = None,
    ) -> int:
        """Post as ``username``: a reply starts with @ the parent's author, as Mastodon's
        composer writes it; a retweet is a boost."""
        acct = self.accts.get(username) or self.add_user(username).acct
        if retweet_of is not None:
            return int(self.emulator.reblog(acct, retweet_of))
        if reply_to is not None:
            store = self.emulator.state.store
            parent = store.accounts[store.statuses[reply_to].account_id]
            if parent.acct != acct and not text.startswith(f"@{parent.acct}"):
                text = f"@{parent.acct} {text}"
        return int(self.emulator.add_status(acct, text, created_at=created_at, reply_to=reply_to))

    def timeline(self, account_id: int) -> list[StagePost]:
        """An account's statuses, newest first."""
        store = self.emulator.state.store
        mine = [s for s in store.statuses.values() if s.account_id == str(account_id)]
        return [
            StagePost(
                s.id, s.text, int(s.in_reply_to_account_id) if s.in_reply_to_account_id else None
            )
            for s in sorted(mine, key=lambda s: s.id, reverse=True)
            if s.reblog_of is None
        ]
