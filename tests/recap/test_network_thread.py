"""The recap thread on each network: its mention syntax, its length rule, the mention caps,
and shout-outs naming only that network's people."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from chatbot.domain.network import LengthRule, Network
from chatbot.recap import build_recap, thread_posts
from chatbot.recap.build import Recap
from chatbot.recap.thread import mentions_in
from chatbot.render.length import DEFAULT_RULES, length_of
from chatbot.reports import print_recap
from chatbot.storage.repository import Repository
from tests.recap.three_networks import BSKY, MASTO, three_network_spec, three_networks
from tests.recap.world import question_set

LONG = "A{n}: " + "Local shops win with stories 🧁👩‍👩‍👧‍👦 and café culture " * 6 + "#SMBchat"


def _recap(store: Repository, tmp_path: Path, *, crowd: int = 0, **options: object) -> Recap:
    w = three_networks(store)
    for i in range(crowd):  # many long answers, emoji sequences included, on every network
        minute = 12 + i % 5
        w.net_post(BSKY, f"b{i:02d}.bsky.social", LONG.format(n=2), minute=minute, likes=i)
        w.net_post(MASTO, f"m{i:02d}@mastodon.social", LONG.format(n=2), minute=minute, likes=i)
    w.save()
    spec = three_network_spec(**options)
    return build_recap(store, spec, question_set(2), w.occurrence_id, out_dir=tmp_path)


@pytest.mark.parametrize("network", list(Network))
def test_each_networks_thread_fits_its_length_rule(
    store: Repository, tmp_path: Path, network: Network
) -> None:
    recap = _recap(store, tmp_path, crowd=30)
    posts = thread_posts(recap, network)
    rule = DEFAULT_RULES[network]
    assert 3 <= len(posts) <= 8
    assert all(length_of(p, rule) <= rule.limit for p in posts), posts
    assert posts[0].startswith("Thanks for joining #SMBchat")
    assert "🌐 X 2 · Bluesky 34 · Mastodon 32" in posts[0]


def test_each_thread_mentions_only_its_own_people_in_its_own_syntax(
    store: Repository, tmp_path: Path
) -> None:
    recap = _recap(store, tmp_path, highlights_per_question=3)
    on_x = thread_posts(recap, Network.X)
    on_bluesky = thread_posts(recap, BSKY)
    on_mastodon = thread_posts(recap, MASTO)

    assert on_x == recap.posts
    assert set(mentions_in(on_x)) <= {"@ana", "@carl"} and mentions_in(on_x)
    assert "@bob.bsky.social" in mentions_in(on_bluesky)
    assert all(m.endswith(".bsky.social") for m in mentions_in(on_bluesky))
    assert "@eve@mastodon.social" in mentions_in(on_mastodon)
    assert all(m.endswith("@mastodon.social") for m in mentions_in(on_mastodon))
    # Someone of another network is named by name and network, never by a whole handle:
    # on X, "bob.bsky.social" would be a link (a dearer post) and "@mastodon" a mention.
    x_text = "\n".join(on_x)
    assert "bob (Bluesky)" in x_text and "eve (Mastodon)" in x_text
    assert "bsky.social" not in x_text and "mastodon.social" not in x_text
    assert "ana (X)" in "\n".join(on_mastodon)
    shoutouts = on_bluesky[-1]
    assert "@bob.bsky.social" in shoutouts and "@ana " not in shoutouts + " "


def test_each_thread_keeps_the_mention_caps(store: Repository, tmp_path: Path) -> None:
    recap = _recap(store, tmp_path, crowd=12, max_mentions_per_post=2, max_mentions=3)
    for network in Network:
        posts = thread_posts(recap, network)
        assert all(len(mentions_in([p])) <= 2 for p in posts), (network, posts)
        assert len(mentions_in(posts)) <= 3, (network, posts)


def test_a_mastodon_instance_with_a_smaller_limit(store: Repository, tmp_path: Path) -> None:
    recap = _recap(store, tmp_path, crowd=10)
    rule = LengthRule(200, "characters", url_length=23)
    posts = thread_posts(recap, MASTO, rule=rule)
    assert all(length_of(p, rule) <= 200 for p in posts), posts
    assert max(length_of(p, rule) for p in thread_posts(recap, MASTO)) > 200  # 500 otherwise


def test_chatbot_recap_prints_each_networks_thread_and_numbers(
    store: Repository, tmp_path: Path
) -> None:
    recap = _recap(store, tmp_path)
    shown = io.StringIO()
    print_recap(recap, shown)
    text = shown.getvalue()
    assert text.startswith("In all: 8 people (6 new, 2 returning), 9 posts, 8 answers\nX: 2 people")
    headings = [line for line in text.splitlines() if line.startswith("=== ")]
    assert headings == [f"=== The recap thread on {name}" for name in ("X", "Bluesky", "Mastodon")]
    bluesky = text.split("=== The recap thread on Bluesky")[1].split("=== ")[0]
    assert "@bob.bsky.social" in bluesky and "@ana " not in bluesky
    assert "\x1b" not in text
