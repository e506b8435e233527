"""One chat held on X, Bluesky and Mastodon: numbers per network and together."""

from __future__ import annotations

from chatbot.domain.network import Network, stored_id
from chatbot.recap.load import load_record
from chatbot.recap.model import redact_hidden
from chatbot.recap.picks import choose_shoutouts, highlights
from chatbot.recap.stats import compute_stats, cost_line, network_lines
from chatbot.storage.repository import Repository
from tests.recap.three_networks import BSKY, MASTO, three_network_spec, three_networks
from tests.recap.world import question_set


def test_numbers_per_network_and_together(store: Repository) -> None:
    w = three_networks(store)
    record = load_record(store, three_network_spec(), question_set(), w.occurrence_id)
    stats = compute_stats(record)

    assert record.networks == (Network.X, BSKY, MASTO)
    assert stats.participants == 8
    assert (stats.new_participants, stats.returning_participants) == (6, 2)
    assert (stats.posts, stats.answers, stats.replies) == (9, 8, 1)
    per = {
        n: (s.participants, s.new_participants, s.returning_participants, s.posts, s.answers)
        for n, s in stats.per_network.items()
    }
    assert per == {
        Network.X: (2, 1, 1, 3, 3),
        BSKY: (4, 3, 1, 4, 4),  # ana.bsky.social is new: a person is a handle on a network
        MASTO: (2, 2, 0, 2, 1),
    }
    assert stats.per_network[MASTO].replies == 1
    assert stats.per_network[BSKY].potential_reach == 300
    assert network_lines(stats)[1] == (
        "Bluesky: 4 people (3 new, 1 returning), 4 posts, 4 answers, 0 replies"
    )
    assert cost_line(stats).endswith("; reading and posting on Bluesky and Mastodon costs nothing")


def test_each_post_and_person_knows_its_network_and_address(store: Repository) -> None:
    w = three_networks(store)
    record = load_record(store, three_network_spec(), question_set(), w.occurrence_id)

    by_handle = {p.username: p for p in record.posts}
    bob = by_handle["bob.bsky.social"]
    assert bob.network is BSKY and bob.url.startswith("https://bsky.app/profile/bob.bsky.social/")
    eve = by_handle["eve@mastodon.social"]
    assert eve.network is MASTO and eve.url.startswith("https://mastodon.social/@eve/")
    assert eve.profile == "https://mastodon.social/@eve"
    assert by_handle["carl"].url.startswith("https://x.com/carl/status/")
    assert by_handle["mal.bsky.social"].url == ""  # a javascript: address is never linked
    person = record.people[stored_id(BSKY, "did:plc:dee")]
    assert (person.username, person.network, person.is_new) == ("dee.bsky.social", BSKY, True)


def test_highlights_come_from_every_network(store: Repository) -> None:
    w = three_networks(store)
    record = load_record(store, three_network_spec(), question_set(), w.occurrence_id)

    best = highlights(record, per_question=3)
    assert {p.network for p in best[1]} == {Network.X, BSKY, MASTO}
    # With two places, the two best networks' leaders, still in rank order.
    two = highlights(record, per_question=2)[1]
    assert len({p.network for p in two}) == 2


def test_shoutouts_on_a_network_name_only_its_people(store: Repository) -> None:
    w = three_networks(store)
    record = load_record(store, three_network_spec(), question_set(), w.occurrence_id)
    stats = compute_stats(record)

    on_bluesky = choose_shoutouts(record, stats, budget=10, network=BSKY)
    named = on_bluesky.top + on_bluesky.new
    assert named and all(name.endswith(".bsky.social") for name in named)
    on_mastodon = choose_shoutouts(record, stats, budget=10, network=MASTO)
    assert on_mastodon.top + on_mastodon.new == ["eve@mastodon.social"]
    assert on_mastodon.answered == on_bluesky.answered == 7  # who answered, anywhere


def test_hidden_people_of_other_networks_are_never_named() -> None:
    hidden = frozenset({"troll.bsky.social", "spam@mastodon.social", "xtroll"})
    text = "hi @troll.bsky.social, @spam@mastodon.social. and @xtroll! but @friend.bsky.social"
    assert (
        redact_hidden(text, hidden) == "hi @hidden, @hidden. and @hidden! but @friend.bsky.social"
    )
