"""The text of each of a chat's posts, filled for one occurrence."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from chatbot.domain.chat import ChatSpec, QuestionSet
from chatbot.domain.flow import Step
from chatbot.render.posts import context_for, fill, question_text, with_hashtag


class TextMaker:
    """Renders welcome, rules, questions, last call, closing and reminders."""

    def __init__(self, chat: ChatSpec, qset: QuestionSet, start: datetime) -> None:
        self.chat, self.qset, self.start = chat, qset, start

    def context(self, until_start: timedelta | None = None) -> dict[str, str]:
        """Placeholder values for this occurrence."""
        return context_for(
            hashtag=self.chat.hashtag,
            title=self.qset.title,
            chat=self.chat.title,
            host=self.chat.host,
            count=len(self.qset.questions),
            start=self.start,
            timezone=self.chat.timezone,
            until_start=until_start,
        )

    def for_step(self, step: Step) -> str:
        """The post text of a flow step."""
        if step.kind == "question":
            text = step.text or fill(self.qset.questions[step.source].text, self.context())
            return question_text(step.number, text, self.chat.hashtag)
        template = getattr(self.qset, step.kind)
        return with_hashtag(fill(template, self.context()), self.chat.hashtag)

    def reminder(self, offset: timedelta) -> str:
        """The reminder post sent ``offset`` before the chat."""
        return with_hashtag(fill(self.qset.reminder, self.context(offset)), self.chat.hashtag)

    def image_for(self, step: Step) -> Path | None:
        """The image attached to a planned question, if its set has one."""
        if step.kind != "question" or step.text:
            return None
        return self.qset.questions[step.source].image
