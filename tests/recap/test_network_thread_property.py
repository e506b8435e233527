"""Any text, any handles, any network: each network's recap thread fits its length rule
and its mention caps, and @-names only that network's people."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatbot.domain.chat import RecapOptions
from chatbot.domain.network import Network
from chatbot.recap.model import ChatPost, ChatRecord, Person
from chatbot.recap.picks import highlights
from chatbot.recap.stats import compute_stats
from chatbot.recap.thread import compose_thread, mentions_in
from chatbot.render.length import DEFAULT_RULES, length_of

T0 = datetime(2026, 1, 14, 1, 0, tzinfo=UTC)
PIECES = [*"abc xyz", "👩‍👩‍👧", "🇫🇷", "漢", "é", "@", ".", "#", "\n", "https://a.io/x ", "@bo"]
TEXT = st.lists(st.sampled_from(PIECES), min_size=1, max_size=120).map("".join)
# The title and questions come from the host's chat files: no mentions there.
HOST_TEXT = st.lists(st.sampled_from(PIECES[:-1]), min_size=1, max_size=80).map(
    lambda pieces: "".join(pieces).replace("@", "")
)
HANDLES = {
    Network.X: st.from_regex(r"[a-z_]{1,15}", fullmatch=True),
    Network.BLUESKY: st.from_regex(r"[a-z]{1,20}\.bsky\.social", fullmatch=True),
    Network.MASTODON: st.from_regex(r"[a-z_]{1,30}@[a-z]{1,20}\.social", fullmatch=True),
}


@st.composite
def records(draw: st.DrawFn) -> ChatRecord:
    posts = []
    for i in range(draw(st.integers(min_value=0, max_value=25))):
        network = draw(st.sampled_from(list(Network)))
        handle = draw(HANDLES[network])
        uid = i + 1 if network is Network.X else -(i + 1)
        number = draw(st.integers(min_value=1, max_value=3))
        posts.append(
            ChatPost(
                id=uid,
                author_id=uid,
                username=handle,
                name="",
                text=f"A{number}: " + draw(TEXT),
                created_at=T0 + timedelta(minutes=i),
                questions=(number,),
                method="label",
                network=network,
            )
        )
    people = {
        p.author_id: Person(p.author_id, p.username, is_new=True, network=p.network) for p in posts
    }
    return ChatRecord(
        slug="s",
        title=draw(HOST_TEXT),
        hashtag="#SMBchat",
        timezone="UTC",
        local_date="2026-01-13",
        questions={n: draw(HOST_TEXT) for n in (1, 2, 3)},
        question_times={},
        posts=posts,
        people=people,
        networks=tuple(Network),
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    record=records(),
    network=st.sampled_from(list(Network)),
    per_post=st.integers(min_value=1, max_value=6),
    cap=st.integers(min_value=0, max_value=12),
    posts=st.integers(min_value=2, max_value=8),
)
def test_every_networks_thread_fits_and_keeps_its_caps(
    record: ChatRecord, network: Network, per_post: int, cap: int, posts: int
) -> None:
    options = RecapOptions(max_mentions_per_post=per_post, max_mentions=cap, max_thread_posts=posts)
    stats = compute_stats(record)
    best = highlights(record, per_question=2)
    thread = compose_thread(record, stats, best, options=options, network=network)
    rule = DEFAULT_RULES[network]
    assert 2 <= len(thread) <= posts
    assert all(length_of(p, rule) <= rule.limit for p in thread)
    assert all(len(mentions_in([p])) <= per_post for p in thread)
    assert len(mentions_in(thread)) <= cap
    theirs = {f"@{p.username}" for p in record.posts if p.network is network}
    assert set(mentions_in(thread)) <= theirs
