"""What each occurrence cost on X, and which reads X has billed already.

X bills a post once per UTC day however often it is read. The reads billed are kept
(``BilledRead``: post id and day), so a process started after a crash or a restart
does not count again what an earlier one paid for (the metrics refresh after a chat
reads every post once more, on the same day: it costs nothing).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from chatbot.domain.cost import Usage
from chatbot.storage.base import CHUNK, StoreBase
from chatbot.storage.tables import BilledRead, XUsage


class UsageStore(StoreBase):
    """Adds up each occurrence's X usage; bills each read once per post and UTC day."""

    def add_usage(
        self, occurrence_id: int, usage: Usage, *, reads: Collection[tuple[int, date]] = ()
    ) -> Usage:
        """Add ``usage`` to an occurrence's totals, billing ``reads``; return what was added.

        ``reads`` are the (post id, UTC day) pairs its calls returned: each one X had not
        billed yet adds a read. One transaction, so the totals and the reads billed
        never disagree.
        """
        with self._session() as s:
            added = usage + Usage(posts_read=_bill(s, reads))
            row = s.get(XUsage, occurrence_id) or XUsage(occurrence_id=occurrence_id)
            row.requests += added.requests
            row.posts_read += added.posts_read
            row.posts_created += added.posts_created
            row.posts_with_url += added.posts_with_url
            s.add(row)
            s.commit()
        return added

    def usage(self, occurrence_id: int) -> Usage:
        """Return an occurrence's X usage (zeros when none was recorded)."""
        with self._session() as s:
            return usage_value(s.get(XUsage, occurrence_id))


def _bill(s: Session, reads: Collection[tuple[int, date]]) -> int:
    """Record the reads not billed before, in batches; return how many were new."""
    rows = [{"post_id": post_id, "day": day} for post_id, day in set(reads)]
    dialect = postgresql if s.get_bind().dialect.name == "postgresql" else sqlite
    new = 0
    for start in range(0, len(rows), CHUNK):
        insert = dialect.insert(BilledRead).values(rows[start : start + CHUNK])
        billed = insert.on_conflict_do_nothing().returning(BilledRead.post_id)
        new += len(s.execute(billed).all())
    return new


def usage_value(row: XUsage | None) -> Usage:
    """An occurrence's stored X usage as a value (zeros when nothing was recorded)."""
    if row is None:
        return Usage()
    return Usage(
        requests=row.requests,
        posts_read=row.posts_read,
        posts_created=row.posts_created,
        posts_with_url=row.posts_with_url,
    )
