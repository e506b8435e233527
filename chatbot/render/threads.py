"""Split text into X posts that each fit the weighted 280, never cutting a word or handle."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from chatbot.render.length import MAX_WEIGHTED_LENGTH, weighted_length


def is_mention(token: str) -> bool:
    """Return True for an @handle token (optionally with trailing punctuation)."""
    return len(token) > 1 and token[0] == "@" and (token[1].isalnum() or token[1] == "_")


def split_into_posts(
    items: Sequence[str],
    *,
    prefix: str = "",
    suffix: str = "",
    limit: int = MAX_WEIGHTED_LENGTH,
    sep: str = " ",
    numbering: bool = False,
    max_mentions: int | None = None,
) -> list[str]:
    """Pack ``items`` in order into posts of ``prefix + items joined by sep + suffix``.

    Every post is within ``limit`` (X's weighted count). An item is never split,
    unless it is a plain word too long for any post on its own (then it is cut
    into pieces, a handle never). ``max_mentions`` caps @handles per post, and
    ``numbering`` appends " (i/n)".
    """
    if numbering:
        width = 1
        while True:
            reserve = weighted_length(f" ({'9' * width}/{'9' * width})")
            chunks = _pack(items, prefix, suffix, limit - reserve, sep, max_mentions)
            if len(str(len(chunks))) <= width:
                break
            width += 1
        total = len(chunks)
        if total == 1:
            return chunks
        return [f"{c} ({i}/{total})" for i, c in enumerate(chunks, start=1)]
    return _pack(items, prefix, suffix, limit, sep, max_mentions)


def _pack(
    items: Sequence[str],
    prefix: str,
    suffix: str,
    limit: int,
    sep: str,
    max_mentions: int | None,
) -> list[str]:
    if max_mentions is not None and max_mentions < 1:
        raise ValueError("max_mentions must be at least 1")

    def wrap(body: str) -> str:
        return f"{prefix}{body}{suffix}"

    if weighted_length(wrap("x")) > limit:
        raise ValueError("prefix and suffix leave no room within the limit")
    posts: list[str] = []
    body: list[str] = []
    mentions = 0
    for item in items:
        for piece in _fit_item(item, wrap, limit):
            mention = is_mention(piece)
            full = max_mentions is not None and mention and mentions >= max_mentions
            if body and (full or weighted_length(wrap(sep.join([*body, piece]))) > limit):
                posts.append(wrap(sep.join(body)))
                body, mentions = [], 0
            body.append(piece)
            mentions += mention
    if body:
        posts.append(wrap(sep.join(body)))
    return posts


def _fit_item(item: str, wrap: Callable[[str], str], limit: int) -> list[str]:
    """Return ``item`` whole if a post can hold it, else cut into pieces that fit."""
    if weighted_length(wrap(item)) <= limit:
        return [item]
    if is_mention(item):
        raise ValueError(f"handle {item!r} cannot fit in one post")
    pieces: list[str] = []
    current = ""
    for char in item:
        if current and weighted_length(wrap(current + char)) > limit:
            pieces.append(current)
            current = ""
        current += char
    if current:
        pieces.append(current)
    return pieces


def join_into_posts(
    blocks: Sequence[str],
    *,
    sep: str = "\n\n",
    limit: int = MAX_WEIGHTED_LENGTH,
    max_mentions: int | None = None,
) -> list[str]:
    """Merge consecutive blocks (each already fitting) into as few posts as fit the caps."""
    posts: list[str] = []
    for block in blocks:
        if posts:
            merged = posts[-1] + sep + block
            mentions = sum(is_mention(w) for w in merged.split())
            if weighted_length(merged) <= limit and (
                max_mentions is None or mentions <= max_mentions
            ):
                posts[-1] = merged
                continue
        posts.append(block)
    return posts


def trim_to_fit(
    text: str,
    *,
    limit: int,
    ellipsis: str = "…",
    measure: Callable[[str], int] = weighted_length,
) -> str:
    """Return ``text`` (whitespace collapsed) cut at a word boundary with an ellipsis to fit
    ``limit`` as ``measure`` counts (X's weighted length unless told otherwise)."""
    text = " ".join(text.split())
    if measure(text) <= limit:
        return text
    words = text.split(" ")
    # Longest prefix of words that fits with the ellipsis (length grows with words).
    low, high = 0, len(words) - 1
    while low < high:
        mid = (low + high + 1) // 2
        if measure(" ".join(words[:mid]) + ellipsis) <= limit:
            low = mid
        else:
            high = mid - 1
    if low:
        return " ".join(words[:low]) + ellipsis
    out = ""  # the first word alone is too long: cut it by characters
    for char in words[0]:
        if measure(out + char + ellipsis) > limit:
            break
        out += char
    return out + ellipsis if out else ""
