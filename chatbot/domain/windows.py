"""Which question is live when a post is made, found from post ids alone (no clock).

X post ids are snowflakes: they grow with the moment a post is made (the time math is
in ``chatbot/x/snowflake.py``), so comparing ids orders posts by creation time. A
question post opens its question's window and the next question post closes it: a
post between Q4's id and Q5's is in Q4's window. Any other post of the host's own
thread closes the window too (in practice the last call, then the closing): the last
call invites everyone to catch up on any question, so after it no single question is
live. Before Q1 (welcome, introductions) no question is live either.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping

_CLOSED = 0


class QuestionWindows:
    """The live question at any post id, from the host's question posts and closing posts."""

    def __init__(self, questions: Mapping[int, int], *, ends: Iterable[int] = ()) -> None:
        self._ids: list[int] = []  # boundary post ids, ascending
        self._numbers: list[int] = []  # the question each boundary opens, or _CLOSED
        self._first_asked: dict[int, int] = {}  # question number -> its first post id
        self._last_asked = 0  # the highest question number posted so far
        for post_id, number in questions.items():
            self.open(post_id, number)
        for post_id in ends:
            self.close(post_id)

    def open(self, post_id: int, number: int) -> None:
        """A question post: its question is live from here to the next boundary."""
        self._add(post_id, number)
        first = self._first_asked.get(number)
        self._first_asked[number] = post_id if first is None else min(first, post_id)
        self._last_asked = max(self._last_asked, number)

    def close(self, post_id: int) -> None:
        """A host post that ends the live question's window (the last call, the closing)."""
        self._add(post_id, _CLOSED)

    def _add(self, post_id: int, number: int) -> None:
        i = bisect_left(self._ids, post_id)
        if i < len(self._ids) and self._ids[i] == post_id:
            if number != _CLOSED:  # a post known as a question stays one
                self._numbers[i] = number
            return
        self._ids.insert(i, post_id)
        self._numbers.insert(i, number)

    def live(self, post_id: int) -> int | None:
        """The question whose window holds ``post_id``, or None."""
        i = bisect_left(self._ids, post_id)
        return (self._numbers[i - 1] or None) if i else None

    def asked_before(self, number: int, post_id: int) -> bool:
        """True when question ``number`` was posted before ``post_id``."""
        first = self._first_asked.get(number)
        return first is not None and first < post_id

    @property
    def any_asked(self) -> bool:
        """True once any question post is known."""
        return bool(self._first_asked)

    @property
    def last_asked(self) -> int:
        """The highest question number posted so far (0 before any)."""
        return self._last_asked
