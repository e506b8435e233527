"""The series report: every week of one chat side by side, to see whether it grows.

Pure functions over ``StoredWeek`` values read from the database (no X reads): who
came, who was new and who came back, how many of last week's people returned, the
answers per question, the most loyal participants and what each week cost on X.
Weeks the bot hosted and weeks ``chatbot transcript --chat`` imported count alike.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from chatbot.domain.cost import Prices, cost_dollars
from chatbot.domain.posts import Network
from chatbot.recap.model import StoredWeek, network_name, network_of
from chatbot.recap.stats import plural

LOYAL = 10  # participants listed as the most loyal


class SeriesSource(Protocol):
    """Where the weeks of a chat come from (the database's repository)."""

    def chat_series(self, chat_slug: str) -> list[StoredWeek]:
        """Every finished or imported occurrence of a chat, oldest first."""
        ...


@dataclass(frozen=True, slots=True)
class Week:
    """One week as the report shows it."""

    local_date: str
    imported: bool
    participants: int
    new: int
    returning: int
    retention: float | None  # share of the week before's participants who came back
    answers: int
    inferred: int
    questions: int
    per_question: dict[int, int]
    cost: Decimal
    # Each network's people that week: (participants, new); a person is a handle on one.
    per_network: dict[Network, tuple[int, int]] = field(default_factory=dict)

    @property
    def answers_per_question(self) -> float | None:
        """Answers for each question asked, on average."""
        return self.answers / self.questions if self.questions else None


@dataclass(frozen=True, slots=True)
class Regular:
    """A participant by the weeks they came."""

    username: str
    weeks: int
    questions: int  # questions answered over all the weeks
    network: Network = Network.X


@dataclass(frozen=True, slots=True)
class SeriesReport:
    """A chat's weeks side by side, its most loyal participants and its totals."""

    slug: str
    hashtag: str
    weeks: list[Week]
    loyal: list[Regular]
    people: int  # distinct participants over all the weeks
    cost: Decimal
    people_per_network: dict[Network, int] = field(default_factory=dict)

    @property
    def several_networks(self) -> bool:
        """True when the chat's people came from more than one network."""
        return len(self.people_per_network) > 1

    @property
    def imported(self) -> int:
        """How many of the weeks were imported from X rather than hosted."""
        return sum(1 for w in self.weeks if w.imported)


def series_report(
    slug: str, stored: list[StoredWeek], *, prices: Prices | None = None
) -> SeriesReport:
    """Compute the report from a chat's weeks, oldest first."""
    seen: set[int] = set()
    previous: set[int] = set()
    weeks: list[Week] = []
    came: Counter[int] = Counter()
    answered: Counter[int] = Counter()
    names: dict[int, str] = {}
    networks: dict[int, Network] = {}
    for week in stored:
        people = set(week.people)
        kept = len(people & previous) / len(previous) if previous else None
        networks.update((uid, network_of(uid, name)) for uid, name in week.people.items())
        weeks.append(
            Week(
                local_date=week.local_date,
                imported=week.imported,
                participants=len(people),
                new=len(people - seen),
                returning=len(people & seen),
                retention=kept,
                answers=week.answers,
                inferred=week.inferred,
                questions=week.questions,
                per_question=week.per_question,
                cost=cost_dollars(week.usage, prices),
                per_network=_per_network(people, seen, networks),
            )
        )
        seen |= people
        previous = people
        came.update(people)
        answered.update(week.answered)
        names.update(week.people)  # the latest handle each one used
    ranked = sorted(came, key=lambda u: (-came[u], -answered[u], names[u].lower()))
    return SeriesReport(
        slug=slug,
        hashtag=stored[-1].hashtag if stored else "",
        weeks=weeks,
        loyal=[Regular(names[u], came[u], answered[u], networks[u]) for u in ranked[:LOYAL]],
        people=len(seen),
        cost=sum((w.cost for w in weeks), Decimal(0)),
        people_per_network=_ordered(Counter(networks[uid] for uid in seen)),
    )


def _per_network(
    people: set[int], seen: set[int], networks: dict[int, Network]
) -> dict[Network, tuple[int, int]]:
    """Each network's (participants, new) among one week's ``people``."""
    came = Counter(networks[uid] for uid in people)
    new = Counter(networks[uid] for uid in people - seen)
    return {n: (count, new[n]) for n, count in _ordered(came).items()}


def _ordered(counts: Counter[Network]) -> dict[Network, int]:
    return {n: counts[n] for n in Network if counts[n]}


def network_counts(per_network: dict[Network, tuple[int, int]]) -> str:
    """'X 12 (3 new) · Bluesky 5 (2 new)'."""
    return " · ".join(
        f"{network_name(n)} {count} ({new} new)" for n, (count, new) in per_network.items()
    )


def people_in_all(report: SeriesReport) -> str:
    """'31 people in all', with each network's share when there are several."""
    text = f"{plural(report.people, 'person', 'people')} in all"
    if report.several_networks:
        shares = ", ".join(f"{network_name(n)} {c}" for n, c in report.people_per_network.items())
        text += f" ({shares})"
    return text


def percent(share: float | None) -> str:
    """0.75 as '75%'; '–' when there is no week before."""
    return "–" if share is None else f"{share:.0%}"


def summary_lines(report: SeriesReport, *, last: int = 12) -> list[str]:
    """The report in a few lines of plain text, the ``last`` weeks one line each (Discord)."""
    if not report.weeks:
        return [f"{report.slug}: no finished or imported chat in the database yet."]
    first, latest = report.weeks[0], report.weeks[-1]
    lines = [
        f"{report.hashtag} ({report.slug}): {plural(len(report.weeks), 'week')} from "
        f"{first.local_date} to {latest.local_date}, {people_in_all(report)}, "
        f"${report.cost} on X."
    ]
    if len(report.weeks) > last:
        lines.append(f"The last {last} weeks (all of them are in the files):")
    for w in report.weeks[-last:]:
        mark = " (imported)" if w.imported else ""
        lines.append(
            f"{w.local_date}{mark}: {plural(w.participants, 'person', 'people')} ({w.new} new, "
            f"{w.returning} back, {percent(w.retention)} of the week before), "
            f"{plural(w.answers, 'answer')}, ${w.cost}"
            + (f"; {network_counts(w.per_network)}" if report.several_networks else "")
        )
    if report.loyal:
        lines.append(
            "Most loyal: "
            + ", ".join(f"@{r.username} {r.weeks}/{len(report.weeks)}" for r in report.loyal[:5])
        )
    return lines
