"""The bot's Bluesky account over the ``atproto`` client: login, posts, search, profiles.

Posts are exactly-once: the caller picks the record key (``new_rkey()``) and stores it
before calling ``create_post``. If the process dies after the PDS accepted the post, the
retry with the same key cannot make a second one: the PDS refuses a second record at
that key (with a bare 500, a known PDS quirk), and the adapter then reads the record at
that key and returns the post that is already there.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from atproto import AsyncClient, Session, models
from atproto_client import exceptions as atp
from atproto_client.models.utils import get_model_as_dict
from atproto_client.request import AsyncRequest

from chatbot.bluesky import convert
from chatbot.bluesky.errors import BlueskyAuthError, BlueskyRefusedError
from chatbot.bluesky.retry import Retrier, RetryPolicy, Sleep, error_name, real_now
from chatbot.bluesky.search import SearchMixin
from chatbot.bluesky.text import build_facets, length_problem
from chatbot.domain.network import Author, PostRef

log = logging.getLogger("chatbot.bluesky")


class _ClockedAtproto(AsyncClient):
    """The atproto client reading time from the bot's clock: it refreshes a session when
    its token's ``exp`` is near by that clock, and stamps records' ``createdAt`` with it."""

    def __init__(self, service: str, *, request: AsyncRequest, now: Callable[[], datetime]):
        super().__init__(service, request=request)
        self._now = now

    def get_current_time(self) -> datetime:
        return self._now()


class BlueskyClient(SearchMixin):
    """The bot's account on one PDS (``service``, e.g. https://bsky.social), logged in
    with a handle and an app password."""

    def __init__(
        self,
        *,
        service: str,
        handle: str,
        app_password: str,
        policy: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        now: Callable[[], datetime] = real_now,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.handle = handle.lstrip("@")
        self._password = app_password
        self._service = service
        self.atp = _ClockedAtproto(
            service, request=AsyncRequest(timeout=self.policy.timeout), now=now
        )
        self.retrier = Retrier(self.policy, sleep=sleep, now=now, refresh=self.renew_session)
        self.did = ""
        self._dids: dict[str, str | None] = {}  # handle -> DID (None: does not resolve)
        self._authors: dict[str, Author] = {}  # DID -> profile

    async def login(self) -> Author:
        """Open a session; return the account. BlueskyAuthError for a wrong app password."""

        async def create() -> Any:
            return await self.atp.login(self.handle, self._password, fetch_bsky_profile=False)

        await self.retrier.call("login", create, renew=False)
        session = self.session()
        self.did, self.handle = session.did, session.handle
        return await self.author(self.did)

    def session(self) -> Session:
        """The current session (tokens, DID, handle); keep ``.encode()`` to resume it."""
        return Session.decode(self.atp.export_session_string())

    async def renew_session(self) -> None:
        """Refresh the session with the refresh token; log in again if that is refused."""
        session = self.session()
        try:
            fresh = await self.atp.com.atproto.server.refresh_session(
                headers={"Authorization": f"Bearer {session.refresh_jwt}"},
                ignore_session_check=True,
            )
            session.access_jwt, session.refresh_jwt = fresh.access_jwt, fresh.refresh_jwt
            await self.atp.login(session_string=session.encode(), fetch_bsky_profile=False)
            return
        except (atp.BadRequestError, atp.UnauthorizedError) as exc:
            log.info("Bluesky refresh refused (%s): logging in again", error_name(exc)[0])
        try:
            await self.atp.login(self.handle, self._password, fetch_bsky_profile=False)
        except (atp.BadRequestError, atp.UnauthorizedError) as exc:
            raise BlueskyAuthError(f"Bluesky refused the app password of {self.handle}") from exc

    async def close(self) -> None:
        """Close the HTTP connections."""
        await self.atp.request.close()

    async def create_post(
        self, text: str, *, reply_to: PostRef | None = None, rkey: str
    ) -> PostRef:
        """Post ``text`` (a reply when ``reply_to``) at record key ``rkey``, exactly once.

        Hashtags, links and mentions become facets. Calling again with the same ``rkey``
        after a crash returns the post already made instead of a second one.
        """
        if problem := length_problem(text):
            raise BlueskyRefusedError(f"Bluesky post too long: {problem}", error="TooLong")
        record = models.AppBskyFeedPost.Record(
            text=text,
            created_at=self.atp.get_current_time_iso(),
            langs=["en"],
            facets=await build_facets(text, self.resolve_handle) or None,
            reply=_reply_ref(reply_to) if reply_to else None,
        )
        data = models.ComAtprotoRepoCreateRecord.Data(
            repo=self.did, collection=convert.POST, rkey=rkey, record=record
        )

        async def send() -> PostRef:
            made = await self.atp.com.atproto.repo.create_record(data)
            return convert.post_ref(made.uri, made.cid, self.handle, get_model_as_dict(record))

        return await self.retrier.call("createRecord", send, recover=lambda: self.own_post(rkey))

    async def own_post(self, rkey: str) -> PostRef | None:
        """The bot's post at ``rkey``, if the PDS has one (its own copy: no indexing delay)."""
        try:
            found = await self.atp.com.atproto.repo.get_record(
                models.ComAtprotoRepoGetRecord.Params(
                    repo=self.did, collection=convert.POST, rkey=rkey
                )
            )
        except atp.BadRequestError as exc:
            if error_name(exc)[0] == "RecordNotFound":
                return None
            raise
        log.info("Bluesky: the post at %s was already made; not sending it again", rkey)
        value = get_model_as_dict(found.value) if not isinstance(found.value, dict) else found.value
        return convert.post_ref(found.uri, str(found.cid), self.handle, value)

    async def delete_post(self, ref: PostRef) -> None:
        """Delete one of the bot's posts (deleting one already gone is no error)."""
        _, collection, rkey = convert.split_uri(ref.id)
        data = models.ComAtprotoRepoDeleteRecord.Data(
            repo=self.did, collection=collection, rkey=rkey
        )
        await self.retrier.call(
            "deleteRecord", lambda: self.atp.com.atproto.repo.delete_record(data)
        )

    async def resolve_handle(self, handle: str) -> str | None:
        """The DID of ``handle`` (cached), or None when it resolves to nothing."""
        handle = handle.lstrip("@").lower()
        if handle not in self._dids:
            params = models.ComAtprotoIdentityResolveHandle.Params(handle=handle)
            try:
                found = await self.retrier.call(
                    "resolveHandle", lambda: self.atp.com.atproto.identity.resolve_handle(params)
                )
                self._dids[handle] = found.did
            except BlueskyRefusedError:
                self._dids[handle] = None
        return self._dids[handle]

    async def author(self, actor: str) -> Author:
        """The profile of a DID or handle (cached by DID: a DID's handle seldom changes)."""
        if actor in self._authors:
            return self._authors[actor]
        params = models.AppBskyActorGetProfile.Params(actor=actor)
        profile = await self.retrier.call(
            "getProfile", lambda: self.atp.app.bsky.actor.get_profile(params)
        )
        author = convert.author_of(get_model_as_dict(profile))
        self._authors[author.id] = author
        return author

    def forget_author(self, did: str) -> None:
        """Drop a cached profile (after Jetstream reports a handle change)."""
        self._authors.pop(did, None)


def _reply_ref(parent: PostRef) -> models.AppBskyFeedPost.ReplyRef:
    """Root and parent strong refs; a parent without a known root is its thread's root."""
    parent_ref = models.ComAtprotoRepoStrongRef.Main(uri=parent.id, cid=parent.cid)
    root_ref = (
        models.ComAtprotoRepoStrongRef.Main(uri=parent.root_id, cid=parent.root_cid)
        if parent.root_id and parent.root_cid
        else parent_ref
    )
    return models.AppBskyFeedPost.ReplyRef(root=root_ref, parent=parent_ref)
