"""The doctor's Bluesky checks: the app password logs in, as the chats' Bluesky host, and
the Jetstream firehose answers. Nothing is posted."""

from __future__ import annotations

import aiohttp

from chatbot.bluesky import BlueskyAuthError, BlueskyClient, BlueskyError, RetryPolicy
from chatbot.bluesky.jetstream import subscribe_url
from chatbot.doctor.findings import Finding, fail, host_findings, missing_credentials, ok
from chatbot.domain.chat import ChatSpec
from chatbot.domain.network import Network
from chatbot.settings import Settings

# The doctor asks once and says so: a host at the terminal waits for no long retries.
QUICK = RetryPolicy(max_attempts=2, base_delay=0.5, max_rate_limit_waits=0, timeout=10.0)


async def check_bluesky(settings: Settings, chats: list[ChatSpec]) -> list[Finding]:
    """Bluesky's findings for the enabled ``chats`` on Bluesky."""
    handle, password = settings.bluesky_handle, settings.bluesky_app_password
    if not handle or not password:
        missing = settings.missing_credentials(Network.BLUESKY)
        return [missing_credentials("bluesky credentials", missing)]
    service = settings.bluesky_service
    client = BlueskyClient(
        service=service, handle=handle, app_password=password.get_secret_value(), policy=QUICK
    )
    try:
        me = await client.login()
    except BlueskyAuthError:
        return [
            fail(
                "bluesky credentials",
                f"{service} refused them: check BLUESKY_HANDLE and BLUESKY_APP_PASSWORD in "
                ".env; a revoked app password gives this (make a new one)",
            )
        ]
    except BlueskyError as exc:
        return [fail("bluesky credentials", f"Bluesky could not be asked at {service}: {exc}")]
    finally:
        await client.close()
    findings = [ok("bluesky credentials", f"{service} accepts them: they are @{me.handle}'s")]
    findings += host_findings(chats, Network.BLUESKY, me.handle, topic="bluesky host")
    findings.append(await _firehose(settings.bluesky_jetstream))
    return findings


async def _firehose(address: str) -> Finding:
    """Open the Jetstream websocket the bot would read answers from, and close it."""
    timeout = aiohttp.ClientWSTimeout(ws_receive=10.0, ws_close=5.0)
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10.0)) as session,
            session.ws_connect(subscribe_url(address), timeout=timeout),
        ):
            pass
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        return fail(
            "bluesky firehose",
            f"Jetstream at {address} did not answer ({exc or type(exc).__name__}): "
            "check BLUESKY_JETSTREAM",
        )
    return ok("bluesky firehose", f"Jetstream at {address} answers")
