"""The emulated instance's world: accounts (local and remote), statuses, idempotency keys."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chatbot.emulator.mastodon.formatting import Formatted, format_text

HOST_USERNAME = "smbchat"
IDEMPOTENCY_WINDOW = timedelta(hours=1)  # Mastodon keeps a key 3,600 s
VISIBILITIES = ("public", "unlisted", "private", "direct")


def snowflake_at(moment: datetime, sequence: int = 0) -> int:
    """Mastodon's id for a record made at ``moment``: milliseconds since the epoch, shifted
    16 bits, plus a sequence (remote statuses get the id of their own creation time)."""
    return (int(moment.timestamp() * 1000) << 16) + sequence


@dataclass(slots=True)
class Account:
    """An account as this instance knows it; ``domain`` is None for a local one."""

    id: str
    username: str
    domain: str | None
    display_name: str
    created_at: datetime
    followers_count: int = 0
    following_count: int = 0
    statuses_count: int = 0
    last_status_at: datetime | None = None
    bot: bool = False

    @property
    def acct(self) -> str:
        """``username`` for a local account, ``username@domain`` for a remote one."""
        return self.username if self.domain is None else f"{self.username}@{self.domain}"


@dataclass(slots=True)
class Status:
    """A status as the instance keeps it: its source text and the HTML it was made into."""

    id: int
    account_id: str
    text: str
    formatted: Formatted
    created_at: datetime
    visibility: str = "public"
    spoiler_text: str = ""
    in_reply_to_id: int | None = None
    in_reply_to_account_id: str | None = None
    reblog_of: int | None = None
    language: str | None = "en"
    media_ids: tuple[str, ...] = ()
    counts: dict[str, int] = field(
        default_factory=lambda: {"replies_count": 0, "reblogs_count": 0, "favourites_count": 0}
    )

    @property
    def tags(self) -> tuple[str, ...]:
        """The hashtags the status carries, lower case."""
        return tuple(name.casefold() for name in self.formatted.tags)


class Store:
    """Accounts and statuses, indexed by id, with Mastodon's id order."""

    def __init__(self, now: Callable[[], datetime], *, domain: str) -> None:
        self.now = now
        self.domain = domain
        self.accounts: dict[str, Account] = {}
        self.statuses: dict[int, Status] = {}
        self.tag_names: dict[str, str] = {}  # lower case -> the spelling first seen
        self.idempotency: dict[tuple[str, str], tuple[int, datetime]] = {}
        self._ids: list[int] = []  # every status id, ascending
        self._by_acct: dict[str, str] = {}
        self.host = self.add_account(HOST_USERNAME, display_name="SMB Chat Host")

    def _new_id(self, moment: datetime) -> int:
        candidate = snowflake_at(moment)
        index = bisect.bisect_left(self._ids, candidate)
        while index < len(self._ids) and self._ids[index] == candidate:
            candidate += 1
            index += 1
        return candidate

    def add_account(
        self,
        username: str,
        *,
        domain: str | None = None,
        display_name: str | None = None,
        followers_count: int = 0,
        bot: bool = False,
    ) -> Account:
        """Create (or return the existing) account ``username`` or ``username@domain``."""
        domain = None if domain in (None, "", self.domain) else domain
        acct = username if domain is None else f"{username}@{domain}"
        existing = self.account_by_acct(acct)
        if existing is not None:
            return existing
        moment = self.now()
        account = Account(
            id=str(snowflake_at(moment, len(self.accounts))),
            username=username,
            domain=domain,
            display_name=display_name if display_name is not None else username,
            created_at=moment.replace(hour=0, minute=0, second=0, microsecond=0),
            followers_count=followers_count,
            bot=bot,
        )
        self.accounts[account.id] = account
        self._by_acct[acct.casefold()] = account.id
        return account

    def account_by_acct(self, acct: str) -> Account | None:
        """The account for ``user``, ``user@domain`` or ``@user@domain`` (any case)."""
        acct = acct.lstrip("@").casefold()
        local_suffix = f"@{self.domain}".casefold()
        if acct.endswith(local_suffix):
            acct = acct.removesuffix(local_suffix)
        account_id = self._by_acct.get(acct)
        return self.accounts.get(account_id) if account_id else None

    def add_status(
        self,
        account: Account,
        text: str,
        *,
        created_at: datetime | None = None,
        in_reply_to: Status | None = None,
        visibility: str = "public",
        spoiler_text: str = "",
        html: str | None = None,
        reblog_of: Status | None = None,
        media_ids: tuple[str, ...] = (),
    ) -> Status:
        """Store a status as Mastodon would make it (validation is the API handler's job).

        ``html`` stands in for the content a remote server sent, taken as it is.
        """
        moment = created_at or self.now()
        formatted = format_text(text, self, author=account, html=html)
        for name in formatted.tags:
            self.tag_names.setdefault(name.casefold(), name)
        status = Status(
            id=self._new_id(moment),
            account_id=account.id,
            text=text,
            formatted=formatted,
            created_at=moment,
            visibility=visibility,
            spoiler_text=spoiler_text,
            in_reply_to_id=in_reply_to.id if in_reply_to else None,
            in_reply_to_account_id=in_reply_to.account_id if in_reply_to else None,
            reblog_of=reblog_of.id if reblog_of else None,
            media_ids=media_ids,
        )
        self.statuses[status.id] = status
        bisect.insort(self._ids, status.id)
        account.statuses_count += 1
        account.last_status_at = moment
        if in_reply_to is not None:
            in_reply_to.counts["replies_count"] += 1
        if reblog_of is not None:
            reblog_of.counts["reblogs_count"] += 1
        return status

    def delete_status(self, status: Status) -> None:
        """Remove a status (its replies stay, as on Mastodon)."""
        del self.statuses[status.id]
        self._ids.remove(status.id)
        self.accounts[status.account_id].statuses_count -= 1

    def tagged(self, tag: str, *, local_only: bool = False) -> Iterator[Status]:
        """Public statuses (no boosts) with the hashtag ``tag``, newest first."""
        wanted = tag.casefold()
        for status_id in reversed(self._ids):
            status = self.statuses[status_id]
            if (
                wanted in status.tags
                and status.visibility == "public"
                and status.reblog_of is None
                and not (local_only and self.accounts[status.account_id].domain)
            ):
                yield status

    def remember_key(self, account_id: str, key: str, status: Status) -> None:
        """Keep an Idempotency-Key for the window Mastodon keeps it."""
        self.idempotency[(account_id, key)] = (status.id, self.now())

    def recall_key(self, account_id: str, key: str) -> int | None:
        """The status id made with this key by this account within the window, if any."""
        found = self.idempotency.get((account_id, key))
        if found is None or self.now() - found[1] >= IDEMPOTENCY_WINDOW:
            return None
        return found[0]
