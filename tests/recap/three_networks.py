"""A chat held on X, Bluesky and Mastodon at once, stored as hosting stores it."""

from __future__ import annotations

from dataclasses import replace

from chatbot.domain.chat import ChatSpec
from chatbot.domain.network import Network
from chatbot.storage.repository import Repository
from tests.recap.world import WEEK1, WEEK2, ChatWorld, chat_spec, user

BSKY, MASTO = Network.BLUESKY, Network.MASTODON
ANA = user("ana", uid=21, followers=100)
CARL = user("carl", uid=22, followers=10)
HOSTILE_NAME = '<img src=x onerror=alert("bsky")>'
HOSTILE_TEXT = "A2: </script><script>alert('bsky')</script> & more #SMBchat"


def three_network_spec(**recap: object) -> ChatSpec:
    """The #SMBchat schedule, held on all three networks."""
    return replace(chat_spec(**recap), networks=(Network.X, BSKY, MASTO))


def three_networks(store: Repository) -> ChatWorld:
    """The second week of ``three_network_weeks``."""
    return three_network_weeks(store)[1]


def three_network_weeks(store: Repository) -> tuple[ChatWorld, ChatWorld]:
    """Week 1: ana on X, bob on Bluesky. Week 2 (returned):

    - X: ana (returning) and carl (new) answer Q1;
    - Bluesky: bob (returning), dee (new) and ana.bsky.social (new: another handle on
      another network is another person) answer; a hostile display name and text on Q2;
    - Mastodon: eve (new) answers Q1, fay (new) replies under eve's answer.
    """
    week1 = ChatWorld(store, local_date="2026-01-06", start=WEEK1)
    week1.question(1, minute=2)
    week1.post(ANA, "A1: Email #SMBchat", minute=3)
    week1.net_post(BSKY, "bob.bsky.social", "A1: Flyers #SMBchat", minute=4)
    week1.save()

    w = ChatWorld(store, local_date="2026-01-13", start=WEEK2)
    w.question(1, minute=2)
    w.post(ANA, "A1: Newsletters with a story every single week #SMBchat", minute=3, likes=5)
    w.post(CARL, "A1: In-store events with local makers #SMBchat", minute=3.2, likes=2)
    w.net_post(
        BSKY,
        "bob.bsky.social",
        "A1: A loyalty card that gives a free coffee #SMBchat",
        minute=3.4,
        likes=4,
        followers=300,
    )
    w.net_post(BSKY, "dee.bsky.social", "A1: Sponsoring the school fair #SMBchat", minute=3.6)
    w.net_post(BSKY, "ana.bsky.social", "A1: Same as on X, newsletters #SMBchat", minute=3.8)
    eve = w.net_post(
        MASTO,
        "eve@mastodon.social",
        "A1: Answering every review by hand, good or bad #SMBchat",
        minute=4,
        likes=7,
    )
    w.net_post(
        MASTO,
        "fay@hachyderm.io",
        "@eve@mastodon.social that takes real time, worth it? #SMBchat",
        minute=5,
        reply_to=eve,
    )
    w.question(2, minute=10)
    w.net_post(
        BSKY, "mal.bsky.social", HOSTILE_TEXT, minute=11, name=HOSTILE_NAME, url="javascript:1"
    )
    w.post(ANA, "A2: Instagram reels of the shop floor #SMBchat", minute=11.5)
    w.save()
    return week1, w
