"""Load and validate ``schedules/`` and ``questions/``: every problem with its file and line.

One bad file never hides the others: each file is read on its own, its problems
collected, and only the valid chats are returned for hosting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from chatbot.catalog.checks import Problem
from chatbot.catalog.networks import NetworkSetup
from chatbot.catalog.questions import load_question_set
from chatbot.catalog.schedules import SlugClaims, load_schedule, refuse_duplicate_slugs
from chatbot.domain.chat import ChatSpec, QuestionSet

__all__ = [
    "EXAMPLE",
    "Catalog",
    "NetworkSetup",
    "Problem",
    "has_chat_files",
    "load_catalog",
    "load_files",
]

# The example chat shipped inside the package, so `chatbot demo` runs in any folder.
EXAMPLE = Path(__file__).resolve().parent.parent / "example"


@dataclass
class Catalog:
    """The chats and question sets that loaded, and every problem found."""

    chats: dict[str, ChatSpec] = field(default_factory=dict)
    question_sets: dict[str, QuestionSet] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def enabled_chats(self) -> list[ChatSpec]:
        """Return the valid chats that are switched on."""
        return [c for c in self.chats.values() if c.enabled]

    def question_set_of(self, chat: ChatSpec) -> QuestionSet:
        """Return a valid chat's question set."""
        return self.question_sets[chat.question_set]


def load_catalog(folder: Path, setup: NetworkSetup | None = None) -> Catalog:
    """Load ``folder/schedules/*.toml`` and ``folder/questions/**/*.toml`` and validate all
    (against ``setup``: credentials and length rules of each network)."""
    return load_files(schedules=folder / "schedules", questions=folder / "questions", setup=setup)


def has_chat_files(folder: Path) -> bool:
    """True when ``folder/schedules`` holds at least one schedule file."""
    return any((folder / "schedules").glob("*.toml"))


def load_files(*, schedules: Path, questions: Path, setup: NetworkSetup | None = None) -> Catalog:
    """Load and validate chat files from explicit folders."""
    catalog = Catalog()
    setup = setup or NetworkSetup()
    for folder, kind in ((schedules, "schedules"), (questions, "questions")):
        if not folder.is_dir():
            catalog.problems.append(Problem(folder, 1, f"{kind} folder not found"))
    if questions.is_dir():
        for path in sorted(questions.rglob("*.toml")):
            qset = load_question_set(path, questions, catalog.problems)
            if qset:
                catalog.question_sets[qset.key] = qset
    if schedules.is_dir():
        claims: SlugClaims = {}
        chats = [
            load_schedule(
                path,
                catalog.question_sets,
                claims,
                catalog.problems,
                questions_root=questions,
                setup=setup,
            )
            for path in sorted(schedules.glob("*.toml"))
        ]
        refused = refuse_duplicate_slugs(claims, catalog.problems)
        catalog.chats = {c.slug: c for c in chats if c and c.path not in refused}
    # In file order, then line order, however the checks came upon them.
    catalog.problems.sort(key=lambda p: (str(p.path), p.line))
    return catalog
