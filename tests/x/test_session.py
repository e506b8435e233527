"""The session under tweepy: rewrite to the emulator, none for X itself."""

from __future__ import annotations

from chatbot.emulator.x import XEmulator
from chatbot.x.session import X_API, build_session, edge_guard


async def test_real_x_gets_no_rewrite_middleware() -> None:
    session = build_session(X_API, timeout_seconds=5)
    try:
        assert session._middlewares == (edge_guard,)
    finally:
        await session.close()


async def test_requests_for_api_twitter_com_reach_the_base_url(emulator: XEmulator) -> None:
    session = build_session(emulator.base_url, timeout_seconds=5)
    try:
        async with session.get(
            X_API + "/2/users/me",
            headers={"Authorization": f"Bearer {emulator.keys.bearer_token}"},
        ) as response:
            assert response.status == 403  # the emulator answered: app-only bearer on /users/me
    finally:
        await session.close()
    assert emulator.request_counts() == {"GET /2/users/me": 1}
