"""A moderator's correction: put a collected post on another question, or on none.

Discord (``/chat assign``, the Move menu under mirrored answers, both through
``HostControl``) and ``chatbot assign`` call ``AnswerCorrections.assign``. The
correction is stored with the method ``moderator``, which nothing found later
overrides (``chatbot.domain.answers.settle``), and the replies that inherited the
post's question follow it, in the database and in the live collector alike.
"""

from __future__ import annotations

from collections.abc import Callable

from chatbot.domain.answers import AnswerAssigner, Assignment, Correction, FoundPost
from chatbot.domain.commands import post_address_of, post_id_of, question_choice
from chatbot.domain.network import Network, stored_id
from chatbot.domain.occurrence import LIVE_STATES, Occurrence, OccurrenceState, RecapState
from chatbot.domain.views import ControlResult
from chatbot.ports import ChatStore, Clock

LiveAssigner = Callable[[int, Network], AnswerAssigner | None]  # occurrence, post's network


def _nobody_live(_occurrence_id: int, _network: Network) -> AnswerAssigner | None:
    return None


class AnswerCorrections:
    """Applies moderators' corrections; ``live`` finds the assigner of an occurrence this
    process is collecting (None: it collects none, as in the command line)."""

    def __init__(
        self, *, store: ChatStore, clock: Clock, live: LiveAssigner = _nobody_live
    ) -> None:
        self.store, self.clock, self.live = store, clock, live

    async def assign(self, post: str, question: str) -> ControlResult:
        """Put the post ``post`` (a link or an id) on ``question`` ("0"/"none": on none)."""
        post_id = await self._post_id(post)
        if post_id is None:
            return ControlResult(
                False,
                f"'{post.strip()[:80]}' is not a collected post: give its link (x.com, "
                "bsky.app or its Mastodon address, as the Discord feed shows it) or its id.",
            )
        number = question_choice(question)
        if number is None:
            return ControlResult(
                False,
                f"'{question.strip()[:20]}' is not a question: give its number (2 or Q2), "
                "or 0 (none) when the post is not an answer.",
            )
        found = await self.store.find_collected(post_id)
        if found is None:
            return ControlResult(False, f"Post {post_id} was not collected in any chat.")
        if found.from_host:
            return ControlResult(False, f"Post {post_id} is the host's own: it answers nothing.")
        occurrence = await self.store.get_occurrence(found.occurrence_id)
        if occurrence is None:  # a collected post's occurrence is never deleted
            raise LookupError(f"occurrence {found.occurrence_id} of post {post_id} is missing")
        return await self._correct(found, occurrence, number)

    async def _post_id(self, post: str) -> int | None:
        """The stored id a moderator names: an X link or id, a Bluesky ``at://`` URI, or
        the address of a collected Bluesky or Mastodon post."""
        if (post_id := post_id_of(post)) is not None:
            return post_id
        address = post_address_of(post)
        if address is None:
            return None
        if address.startswith("at://"):
            return stored_id(Network.BLUESKY, address)
        return await self.store.post_id_at(address)

    async def _correct(
        self, found: FoundPost, occurrence: Occurrence, number: int
    ) -> ControlResult:
        chat = f"{occurrence.hashtag} on {occurrence.local_date}"
        asked = [s.number for s in occurrence.flow.posted_questions()] if occurrence.flow else []
        if number and number not in asked:
            listed = ", ".join(f"Q{n}" for n in asked) or "none yet"
            return ControlResult(False, f"Q{number} was not asked in {chat} (asked: {listed}).")
        assigner = self.live(occurrence.id, found.post.network)
        if assigner is None and self._collecting(occurrence):
            return ControlResult(
                False,
                f"{chat} is still being collected, and not by this process: correct it "
                "from Discord (/chat assign), or once collection has ended.",
            )
        post = found.post
        correction = Assignment(post.id, number, "moderator", None, post.in_reply_to_post_id)
        if assigner is not None:
            # In memory first, with no await before the write is queued: a reply the
            # collector reads from now on inherits the new question, and one it read
            # before is already queued for the store ahead of this correction.
            assigner.correct(correction)
        done = await self.store.correct_answer(occurrence.id, correction)
        return ControlResult(True, _done_message(f"@{post.author.username}", done, occurrence))

    def _collecting(self, occurrence: Occurrence) -> bool:
        if occurrence.state in LIVE_STATES:
            return True
        until = occurrence.collect_until
        ended = occurrence.state == OccurrenceState.ENDED
        return ended and until is not None and self.clock.now() < until


def _done_message(author: str, done: Correction, occurrence: Occurrence) -> str:
    number = done.after[0].question_number
    was = ", ".join(f"Q{n}" for n in done.was) or "no answer"
    if number:
        text = f"{author}'s post now answers Q{number} (it was {was})."
    else:
        text = f"{author}'s post is no longer an answer (it was {was})."
    if done.followers:
        replies = "1 reply" if done.followers == 1 else f"{done.followers} replies"
        text += f" {replies} that took its question followed it."
    if occurrence.recap_state == RecapState.PUBLISHED:
        text += " The recap already on X stays as posted; rebuilt recap files show the change."
    return text
