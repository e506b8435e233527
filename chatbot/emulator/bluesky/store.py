"""The emulator's world: accounts, post records, and the event log Jetstream replays."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import libipld

from chatbot.emulator.bluesky.records import POST, parse_at_uri
from chatbot.emulator.bluesky.text import from_time_us, quoted_uri, tags_of, to_time_us
from chatbot.emulator.bluesky.tid import tid_at

HOST_HANDLE = "smbchat.bsky.social"
HOST_APP_PASSWORD = "smbc-hat0-demo-pass"


def did_for(handle: str) -> str:
    """A stable did:plc for a handle (24 base32 characters, as PLC makes them)."""
    digest = hashlib.sha256(handle.lower().encode()).digest()
    return "did:plc:" + base64.b32encode(digest).decode().lower()[:24]


def cid_of(record: dict[str, Any]) -> str:
    """The record's CID as a PDS computes it: CIDv1, dag-cbor, sha-256, base32."""
    digest = hashlib.sha256(libipld.encode_dag_cbor(record)).digest()
    return str(libipld.encode_multibase("b", bytes([1, 0x71, 0x12, 0x20]) + digest))


@dataclass(slots=True)
class Account:
    """An account the emulator hosts (or knows, for participants)."""

    did: str
    handle: str
    display_name: str
    created_at: datetime
    followers: int = 0
    follows: int = 0
    description: str = ""
    app_passwords: set[str] = field(default_factory=set)


@dataclass(slots=True)
class StoredPost:
    """A post record and what the AppView knows of it."""

    did: str
    rkey: str
    cid: str
    record: dict[str, Any]
    indexed_at: datetime
    visible_at: datetime  # when search starts returning it
    counts: dict[str, int] = field(
        default_factory=lambda: {"reply": 0, "repost": 0, "like": 0, "quote": 0}
    )

    @property
    def uri(self) -> str:
        """The post's at:// URI."""
        return f"at://{self.did}/{POST}/{self.rkey}"

    @property
    def text(self) -> str:
        """The post's text."""
        return str(self.record.get("text", ""))

    def reply_ref(self, part: str) -> str | None:
        """The URI of the post's reply ``root`` or ``parent``, if it is a reply."""
        reply = self.record.get("reply")
        return str(reply[part]["uri"]) if isinstance(reply, dict) else None

    @property
    def tags(self) -> tuple[str, ...]:
        """Its hashtags (facets and ``tags``), without '#'."""
        return tags_of(self.record)

    @property
    def sort_at(self) -> datetime:
        """What search sorts and filters on: the earlier of createdAt and indexedAt."""
        created = self.record.get("createdAt", "")
        try:
            moment = datetime.fromisoformat(str(created).replace("Z", "+00:00"))
        except ValueError:
            return self.indexed_at
        return min(moment, self.indexed_at) if moment.tzinfo else self.indexed_at


class DuplicateRecord(Exception):
    """A record already exists at that key (the PDS's MST refuses to add it twice)."""


class Store:
    """Accounts, posts and the stream of repo events, on the emulator's clock."""

    def __init__(self, now: Callable[[], datetime], *, search_lag: timedelta) -> None:
        self.now = now
        self.search_lag = search_lag
        self.accounts: dict[str, Account] = {}
        self._dids_by_handle: dict[str, str] = {}
        self.posts: dict[str, StoredPost] = {}  # by URI, in the order they were made
        self.events: list[dict[str, Any]] = []  # every Jetstream event, oldest first
        self.subscribers: set[asyncio.Queue[dict[str, Any]]] = set()
        self._last_us = 0
        self._revs = itertools.count()

    def add_account(
        self,
        handle: str,
        *,
        display_name: str = "",
        followers: int = 0,
        app_password: str | None = None,
        did: str | None = None,
    ) -> Account:
        """Create (or return) the account with this handle; announce it on the stream."""
        existing = self.account(handle)
        if existing is not None:
            if app_password:
                existing.app_passwords.add(app_password)
            return existing
        account = Account(
            did=did or did_for(handle),
            handle=handle.lower(),
            display_name=display_name,
            created_at=self.now(),
            followers=followers,
            app_passwords={app_password} if app_password else set(),
        )
        self.accounts[account.did] = account
        self._dids_by_handle[account.handle] = account.did
        stamp = self.now().isoformat().replace("+00:00", "Z")
        self._publish(
            account.did,
            "identity",
            {
                "did": account.did,
                "handle": account.handle,
                "seq": len(self.events) + 1,
                "time": stamp,
            },
        )
        self._publish(
            account.did,
            "account",
            {"active": True, "did": account.did, "seq": len(self.events) + 1, "time": stamp},
        )
        return account

    def account(self, actor: str) -> Account | None:
        """The account named by a DID or a handle (with or without '@')."""
        actor = actor.lstrip("@")
        if actor.startswith("did:"):
            return self.accounts.get(actor)
        did = self._dids_by_handle.get(actor.lower())
        return self.accounts.get(did) if did else None

    def post_at(self, uri: str) -> StoredPost | None:
        """The post with this URI (a handle in the URI works too, as on the AppView)."""
        parts = parse_at_uri(uri)
        if parts is None:
            return None
        account = self.account(parts[0])
        if account is None or parts[1] != POST:
            return None
        return self.posts.get(f"at://{account.did}/{POST}/{parts[2]}")

    def create_post(self, did: str, rkey: str, record: dict[str, Any]) -> StoredPost:
        """Store a post record under ``rkey``; raise DuplicateRecord if the key is taken."""
        uri = f"at://{did}/{POST}/{rkey}"
        if uri in self.posts:
            raise DuplicateRecord(f"There is already a value at key: {POST}/{rkey}")
        time_us = self._next_us()
        indexed = from_time_us(time_us)
        post = StoredPost(did, rkey, cid_of(record), record, indexed, indexed + self.search_lag)
        self.posts[uri] = post
        parent = self.post_at(post.reply_ref("parent") or "")
        if parent is not None:
            parent.counts["reply"] += 1
        quoted = self.post_at(quoted_uri(record) or "")
        if quoted is not None:
            quoted.counts["quote"] += 1
        self._commit(did, "create", rkey, time_us, record=record, cid=post.cid)
        return post

    def delete_post(self, did: str, rkey: str) -> bool:
        """Remove a post; False when there was none (deleting nothing is no error)."""
        post = self.posts.pop(f"at://{did}/{POST}/{rkey}", None)
        if post is None:
            return False
        self._commit(did, "delete", rkey, self._next_us())
        return True

    def posts_by(self, did: str) -> list[StoredPost]:
        """An account's posts, oldest first."""
        return [post for post in self.posts.values() if post.did == did]

    def _next_us(self) -> int:
        self._last_us = max(to_time_us(self.now()), self._last_us + 1)
        return self._last_us

    def next_rev(self) -> str:
        """A fresh repo revision (a TID)."""
        return tid_at(self.now(), next(self._revs) % 1024)

    def _commit(self, did: str, operation: str, rkey: str, time_us: int, **extra: Any) -> None:
        commit: dict[str, Any] = {
            "rev": self.next_rev(),
            "operation": operation,
            "collection": POST,
            "rkey": rkey,
        }
        if "record" in extra:
            commit["record"] = {"$type": POST} | extra["record"]
            commit["cid"] = extra["cid"]
        self._publish(did, "commit", commit, time_us)

    def _publish(self, did: str, kind: str, body: dict[str, Any], time_us: int = 0) -> None:
        event = {"did": did, "time_us": time_us or self._next_us(), "kind": kind, kind: body}
        self.events.append(event)
        for queue in self.subscribers:
            queue.put_nowait(event)
