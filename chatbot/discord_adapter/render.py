"""Turn ChatControl results into the text moderators read in Discord."""

from __future__ import annotations

from datetime import datetime

from chatbot.discord_adapter.text import clean
from chatbot.domain.views import HostStatus, LiveChat, RecapPreview, UpcomingChat


def timestamp(moment: datetime, *, style: str = "f") -> str:
    """Return Discord's timestamp markup, shown in each reader's own time zone."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def render_live(chat: LiveChat) -> str:
    """Describe a chat in progress: question, counts, time left."""
    lines = [
        f"**{clean(chat.title)}** ({clean(chat.hashtag)}) is {chat.state}.",
        f"Question {chat.current_question} of {chat.question_count}",
    ]
    if chat.current_question_text:
        lines[-1] += f": {clean(chat.current_question_text)}"
    lines.append(f"{chat.posts_collected} posts from {chat.participants} participants so far.")
    if chat.next_step_at is not None:
        lines.append(f"Next: {clean(chat.next_step)} {timestamp(chat.next_step_at, style='R')}.")
    lines.append(
        f"Ends {timestamp(chat.ends_at, style='R')} ({timestamp(chat.ends_at, style='t')})."
    )
    return "\n".join(lines)


def render_upcoming(chat: UpcomingChat) -> str:
    """Describe one scheduled chat on a single line."""
    line = (
        f"• `{chat.slug}` **{clean(chat.title)}** ({clean(chat.hashtag)}): "
        f"{timestamp(chat.starts_at)} ({timestamp(chat.starts_at, style='R')}, {chat.timezone})"
    )
    if chat.paused:
        line += ", schedule paused"
    if chat.skip_next:
        line += ", next one skipped"
    return line


def render_schedule(chats: list[UpcomingChat]) -> str:
    """Describe every scheduled chat."""
    if not chats:
        return "No chats are scheduled."
    return "\n".join(["**Upcoming chats**", *(render_upcoming(chat) for chat in chats)])


def render_status(status: HostStatus) -> str:
    """Describe the live chats and the upcoming ones, as `/chat status` shows them."""
    parts = [render_live(chat) for chat in status.live] or ["No chat is live right now."]
    parts.append(render_schedule(status.upcoming))
    return "\n\n".join(parts)


def render_recap(preview: RecapPreview) -> str:
    """Show the recap thread as it would be posted on X, with its files."""
    lines = [
        f"**Recap of `{preview.slug}` on {preview.occurrence_date}** ({preview.status}), "
        f"{len(preview.posts)} posts:"
    ]
    if preview.numbers:
        lines.extend(f"• {clean(line)}" for line in preview.numbers)
    total = len(preview.posts)
    for index, post in enumerate(preview.posts, start=1):
        lines.append(f"**{index}/{total}**\n{clean(post)}")
    if preview.files:
        lines.append("Files: " + ", ".join(f"`{name}`" for name in preview.files))
    return "\n".join(lines)
