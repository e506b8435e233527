"""The emulator's statuses answer as Mastodon's: validation and its error bodies,
Idempotency-Key, HTML content, replies, deletion, and who may do what."""

from __future__ import annotations

from chatbot.emulator.mastodon import MastodonEmulator
from tests.emulator.mastodon.conftest import Http


async def test_a_status_is_made_into_mastodons_html(http: Http, emulator: MastodonEmulator) -> None:
    emulator.add_account("ana@fosstodon.example")
    status, _, body = await http.post_status(
        "Q1 for @ana@fosstodon.example & @nobody:\n<b>bold</b> #SMBchat\n\nhttps://example.com/x?a=1&b=2"
    )
    assert status == 200
    assert body["content"] == (
        '<p>Q1 for <span class="h-card" translate="no"><a href="https://fosstodon.example/@ana"'
        ' class="u-url mention">@<span>ana</span></a></span> &amp; @nobody:<br />&lt;b&gt;bold'
        '&lt;/b&gt; <a href="https://mastodon.example/tags/smbchat" class="mention hashtag"'
        ' rel="tag">#<span>SMBchat</span></a></p><p>'
        '<a href="https://example.com/x?a=1&amp;b=2" target="_blank" rel="nofollow noopener"'
        ' translate="no"><span class="invisible">https://</span><span class="">'
        'example.com/x?a=1&amp;b=2</span><span class="invisible"></span></a></p>'
    )
    assert body["tags"] == [{"name": "SMBchat", "url": "https://mastodon.example/tags/smbchat"}]
    assert [m["acct"] for m in body["mentions"]] == ["ana@fosstodon.example"]
    assert body["account"]["acct"] == "smbchat" and body["application"]["name"] == "chatbot"


async def test_the_same_idempotency_key_answers_with_the_first_status(http: Http) -> None:
    _, _, first = await http.post_status("Q1 #SMBchat", key="k-1")
    _, _, again = await http.post_status("something else entirely", key="k-1")
    _, _, other = await http.post_status("Q1 #SMBchat", key="k-2")
    assert again == first and other["id"] != first["id"]


async def test_a_key_is_per_account(http: Http, emulator: MastodonEmulator) -> None:
    emulator.add_token("bo-token", "bo")
    _, _, mine = await http.post_status("Q1", key="same")
    http.token = "bo-token"
    _, _, bos = await http.post_status("hello", key="same")
    assert bos["id"] != mine["id"] and bos["account"]["acct"] == "bo"


async def test_a_key_whose_status_was_deleted_is_not_found(http: Http) -> None:
    _, _, first = await http.post_status("Q1", key="k")
    assert (await http.call("DELETE", f"/api/v1/statuses/{first['id']}"))[0] == 200
    assert (await http.post_status("Q1", key="k"))[::2] == (404, {"error": "Record not found"})


async def test_mastodons_refusals(http: Http, emulator: MastodonEmulator) -> None:
    emulator.set_max_characters(20)
    assert (await http.post_status("x" * 21))[::2] == (
        422, {"error": "Validation failed: Text character limit of 20 exceeded"},
    )  # fmt: skip
    assert (await http.post_status("  "))[::2] == (
        422, {"error": "Validation failed: Text can't be blank"},
    )  # fmt: skip
    assert (await http.post_status("hi", in_reply_to_id="999"))[::2] == (
        404, {"error": "The post you are trying to reply to does not appear to exist."},
    )  # fmt: skip
    http.token = "wrong"
    assert (await http.post_status("hi"))[::2] == (401, {"error": "The access token is invalid"})
    http.token = None
    assert (await http.post_status("hi"))[::2] == (
        401, {"error": "This method requires an authenticated user"},
    )  # fmt: skip
    assert emulator.statuses() == []


async def test_exactly_the_limit_passes_counted_as_mastodon_counts(
    http: Http, emulator: MastodonEmulator
) -> None:
    emulator.add_account("ana@an-instance-with-a-long-name.example")
    text = "@ana@an-instance-with-a-long-name.example " + "https://example.com/" + "a" * 80
    text += " " + "🇫🇷" * (500 - 5 - 23 - 1)
    assert (await http.post_status(text))[0] == 200
    assert (await http.post_status(text + "!"))[0] == 422


async def test_a_reply_names_its_parent_and_its_author(
    http: Http, emulator: MastodonEmulator
) -> None:
    parent = emulator.add_status("ana@fosstodon.example", "A1 #SMBchat")
    _, _, reply = await http.post_status("thanks", in_reply_to_id=parent)
    ana = emulator.add_account("ana@fosstodon.example")
    assert (reply["in_reply_to_id"], reply["in_reply_to_account_id"]) == (parent, ana.id)
    _, _, shown = await http.call("GET", f"/api/v1/statuses/{parent}")
    assert shown["replies_count"] == 1 and shown["account"]["acct"] == "ana@fosstodon.example"
    assert shown["url"] == f"https://fosstodon.example/@ana/{parent}"


async def test_only_ones_own_status_can_be_deleted(http: Http, emulator: MastodonEmulator) -> None:
    theirs = emulator.add_status("ana", "A1")
    assert (await http.call("DELETE", f"/api/v1/statuses/{theirs}"))[0] == 404
    _, _, mine = await http.post_status("Q1 #SMBchat")
    status, _, deleted = await http.call("DELETE", f"/api/v1/statuses/{mine['id']}")
    assert status == 200 and deleted["text"] == "Q1 #SMBchat"
    assert (await http.call("GET", f"/api/v1/statuses/{mine['id']}"))[0] == 404


async def test_private_statuses_stay_private(http: Http, emulator: MastodonEmulator) -> None:
    secret = emulator.add_status("ana", "followers only", visibility="private")
    assert (await http.call("GET", f"/api/v1/statuses/{secret}"))[0] == 404


async def test_verify_credentials_and_accounts(http: Http, emulator: MastodonEmulator) -> None:
    status, _, me = await http.call("GET", "/api/v1/accounts/verify_credentials")
    assert status == 200 and me["acct"] == "smbchat" and me["source"]["privacy"] == "public"
    ana = emulator.add_account("ana@fosstodon.example", followers_count=7)
    _, _, shown = await http.call("GET", f"/api/v1/accounts/{ana.id}")
    assert (shown["acct"], shown["followers_count"]) == ("ana@fosstodon.example", 7)
    assert (await http.call("GET", "/api/v1/accounts/42"))[::2] == (
        404,
        {"error": "Record not found"},
    )
    emulator.set_credentials_valid(False)
    assert (await http.call("GET", "/api/v1/accounts/verify_credentials"))[0] == 401
