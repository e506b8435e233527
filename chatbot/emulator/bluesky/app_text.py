"""Posts as the Bluesky app writes them, for the participants the emulator simulates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from atproto_client.utils import facet_detection

from chatbot.emulator.bluesky.records import POST
from chatbot.emulator.bluesky.store import Store, StoredPost


def app_record(
    text: str,
    store: Store,
    moment: datetime,
    *,
    facets: bool,
    tags: tuple[str, ...],
    parent: StoredPost | None,
) -> dict[str, Any]:
    """The record the app would send: facets for links, tags and mentions of known
    handles (byte offsets), the reply's root and parent, English."""
    record: dict[str, Any] = {
        "$type": POST,
        "text": text,
        "createdAt": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "langs": ["en"],
    }
    if facets:
        found = [
            {
                "index": {"byteStart": facet.index.byte_start, "byteEnd": facet.index.byte_end},
                "features": [
                    f.model_dump(by_alias=True, exclude_none=True) for f in facet.features
                ],
            }
            for facet in facet_detection.detect_facets(text)
        ]
        for mention in facet_detection.detect_mentions(text):
            account = store.account(mention.handle)
            if account is not None:
                found.append(
                    {
                        "index": {"byteStart": mention.byte_start, "byteEnd": mention.byte_end},
                        "features": [
                            {"$type": "app.bsky.richtext.facet#mention", "did": account.did}
                        ],
                    }
                )
        if found:
            record["facets"] = sorted(found, key=lambda f: f["index"]["byteStart"])
    if tags:
        record["tags"] = list(tags)
    if parent is not None:
        root_uri = parent.reply_ref("root")
        root = store.post_at(root_uri) if root_uri else parent
        parent_ref = {"uri": parent.uri, "cid": parent.cid}
        root_ref = {"uri": root.uri, "cid": root.cid} if root else parent_ref
        record["reply"] = {"root": root_ref, "parent": parent_ref}
    return record
