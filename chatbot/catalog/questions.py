"""Question sets: ``questions/**/*.toml``, one set per file, numbered by order."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from chatbot.catalog.checks import FileCheck, Problem, read_toml, text_field
from chatbot.domain.chat import Question, QuestionSet

TEXT_KEYS = ("welcome", "rules", "last_call", "closing", "reminder")
QUESTION_SET_KEYS = {"title", *TEXT_KEYS, "questions", "answer_letter"}
QUESTION_KEYS = {"text", "image", "minutes"}


def load_question_set(path: Path, root: Path, problems: list[Problem]) -> QuestionSet | None:
    """Validate one question set file; return it, or None after recording its problems."""
    loaded = read_toml(path, problems)
    if loaded is None:
        return None
    data, text = loaded
    check = FileCheck(path, text, problems)
    check.unknown(data, QUESTION_SET_KEYS)
    title = text_field(check, data, "title")
    texts = {key: text_field(check, data, key) for key in TEXT_KEYS}
    letter = _answer_letter(check, data)
    raw = data.get("questions")
    questions: list[Question] = []
    if not isinstance(raw, list) or not raw:
        check.add("no [[questions]]: add at least one", "questions")
        raw = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            check.add("each question must be a [[questions]] table", "questions")
            continue
        check.unknown(item, QUESTION_KEYS, table="questions", index=index)
        qtext = text_field(check, item, "text", table="questions", index=index)
        image = item.get("image")
        image_path = None
        if image is not None:
            image_path = (path.parent / str(image)).resolve()
            if not image_path.is_relative_to(path.parent.resolve()):
                check.add(
                    f"Q{index + 1} image must be inside the question set's folder: {image}",
                    "image",
                    table="questions",
                    index=index,
                )
            elif not image_path.is_file():
                check.add(
                    f"Q{index + 1} image not found: {image}",
                    "image",
                    table="questions",
                    index=index,
                )
        minutes = item.get("minutes")
        if minutes is not None and (not isinstance(minutes, int) or not 1 <= minutes <= 60):
            check.add(
                f"Q{index + 1} minutes must be a whole number from 1 to 60",
                "minutes",
                table="questions",
                index=index,
            )
            minutes = None
        line = check.lines.line("text", table="questions", index=index)
        questions.append(Question(index + 1, qtext, image_path, minutes, line))
    if check.count:
        return None
    key = path.relative_to(root).with_suffix("").as_posix()
    return QuestionSet(
        key=key,
        title=title,
        questions=tuple(questions),
        path=path,
        answer_letter=letter,
        **texts,
    )


def _answer_letter(check: FileCheck, data: dict[str, Any]) -> str:
    """The letter participants put before their answers' numbers: one letter, not Q."""
    value = data.get("answer_letter", "A")
    letter = unicodedata.normalize("NFKC", value).upper() if isinstance(value, str) else ""
    if len(letter) != 1 or not letter.isalpha() or letter == "Q":
        check.add(
            f"answer_letter must be one letter other than Q (A1:, R1:…), not {value!r}",
            "answer_letter",
        )
        return "A"
    return letter
