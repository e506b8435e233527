"""Which unlabelled posts read as answers: small talk, questions back and spam do not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chatbot.domain.chatter import is_spam, reads_as_answer


@pytest.mark.parametrize(
    "text",
    [
        # greetings
        "Hi everyone! 👋 Excited to be here #SMBchat",
        "Evening all, grabbing my tea ☕",
        "Hello from Toronto! 🇨🇦",
        "Good evening #SMBchat friends",
        "こんばんは！",
        "Hola a todos",
        # thanks and goodbyes
        "Thanks for sharing!",
        "Thank you all for joining tonight!",
        "Thanks everyone, great chat tonight!",
        "Lovely chat #SMBchat",
        "See you next week!",
        # questions back
        "Ooh, how did you start with that?",
        "Who else is here tonight? #SMBchat",
        "¿Cómo empezaste？",
        # one-word cheers and reactions
        "Yes!!",
        "So true! 👏",
        "Same here, totally agree",
        "Me too!",
        "Great question!",
        "Love this chat every week 🙌",
        "Q5 is a tough one 🤔",
        "💯",
        "👏👏👏 #SMBchat",
        # nothing but links, mentions and hashtags
        "#SMBchat https://t.co/abc123xyz",
        "@ann @bob #SMBchat",
        "",
        # spam
        "🔥 Buy 10k followers cheap!! #SMBchat",
        "BUY FOLLOWERS NOW",
        "Click here to grow your page 👉 https://bit.ly/x #SMBchat",
        "#smallbiz #marketing #growth #viral #SMBchat best tips here",
    ],
)
def test_small_talk_questions_and_spam_are_not_answers(text: str) -> None:
    assert not reads_as_answer(text)


@pytest.mark.parametrize(
    "text",
    [
        "Honestly, reels work best for us #SMBchat",
        "Reels.",
        "Instagram!",
        "お客様の声を毎週シェアしています",
        "Yes we do, within the hour",
        "Hi all! For us it's Instagram, by far.",
        "Great question! We reply within the hour.",
        "Thanks to reels, our bookings doubled",
        "Same for us: reels all the way, every single week",
        "What works? Consistency. Every single day.",
        "our A4 flyers still bring in more walk-ins than any post",
        "a 10% discount for a review works wonders",
        "We get more followers from reels than from anything else",
        "Q5 is tough: we still reply to DMs by hand, every evening",
    ],
)
def test_posts_that_say_something_are_answers(text: str) -> None:
    assert reads_as_answer(text)


def test_spam_is_spam_with_or_without_a_label() -> None:
    assert is_spam("A3: BUY FOLLOWERS NOW, real accounts #SMBchat")
    assert is_spam("Ａ３：ｂｕｙ ｆｏｌｌｏｗｅｒｓ")  # full-width does not hide it
    assert not is_spam("A3: we give a 10% discount code to repeat customers")
    assert not is_spam("We gained 500 followers with one reel")


def test_spam_written_in_letters_the_spam_words_do_not_spell_is_still_spam() -> None:
    # is_spam looks for a spam word before running its regex; the regex ignores case as
    # Python's re does, which also takes the Turkish dotted and dotless I for "i".
    assert is_spam("LİNK İN BİO for prices")
    assert is_spam("lınk ın bıo for prices")
    assert is_spam("Crypto tips daily") and is_spam("#a #b #c #d #e")
    assert not is_spam("#a #b #c #d and more")


@given(st.sampled_from(["Hi all! ", "Thanks! ", "Great question! 👏 "]), st.text())
def test_small_talk_never_makes_or_unmakes_an_answer(small_talk: str, text: str) -> None:
    assert reads_as_answer(small_talk + text) == reads_as_answer(text)
