"""com.atproto.server (sessions), com.atproto.identity and com.atproto.repo methods."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from chatbot.emulator.bluesky.auth import REFRESH_SCOPE, bearer
from chatbot.emulator.bluesky.errors import XrpcError, invalid, json_response
from chatbot.emulator.bluesky.records import POST, check_post, check_rkey
from chatbot.emulator.bluesky.state import input_body, param, state_of, viewer
from chatbot.emulator.bluesky.store import Account, DuplicateRecord
from chatbot.emulator.bluesky.tid import new_rkey


def _did_doc(account: Account, request: web.Request) -> dict[str, Any]:
    """The account's DID document, naming this server as its PDS (the client follows it)."""
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": account.did,
        "alsoKnownAs": [f"at://{account.handle}"],
        "verificationMethod": [
            {
                "id": f"{account.did}#atproto",
                "type": "Multikey",
                "controller": account.did,
                "publicKeyMultibase": "zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF",
            }
        ],
        "service": [
            {
                "id": "#atproto_pds",
                "type": "AtprotoPersonalDataServer",
                "serviceEndpoint": f"{request.scheme}://{request.host}",
            }
        ],
    }


def _session(account: Account, tokens: dict[str, str], request: web.Request) -> web.Response:
    body = tokens | {
        "handle": account.handle,
        "did": account.did,
        "didDoc": _did_doc(account, request),
        "email": f"{account.handle.split('.')[0]}@example.com",
        "emailConfirmed": True,
        "emailAuthFactor": False,
        "active": True,
    }
    return json_response(body)


async def create_session(request: web.Request) -> web.Response:
    """Log in with a handle (or DID) and an app password."""
    body = await input_body(request, "identifier", "password")
    state = state_of(request)
    account = state.store.account(str(body["identifier"]))
    if account is None or body["password"] not in account.app_passwords:
        raise XrpcError(401, "Invalid identifier or password")
    return _session(account, state.sessions.issue(account.did), request)


async def refresh_session(request: web.Request) -> web.Response:
    """Trade the refresh token (as bearer) for a new pair."""
    state = state_of(request)
    token = bearer(request)
    if token is None:
        raise XrpcError(401, "Authentication Required", "AuthMissing")
    tokens = state.sessions.rotate(token)
    did = str(state.sessions.verify(tokens["refreshJwt"], REFRESH_SCOPE)["sub"])
    return _session(state.store.accounts[did], tokens, request)


async def resolve_handle(request: web.Request) -> web.Response:
    """A handle's DID."""
    handle = param(request.query, "handle", required=True) or ""
    account = state_of(request).store.account(handle)
    if account is None or handle.startswith("did:"):
        raise invalid("Unable to resolve handle")
    return json_response({"did": account.did})


def _own_repo(request: web.Request, body: dict[str, Any]) -> Account:
    did = viewer(request, required=True)
    account = state_of(request).store.account(str(body["repo"]))
    if account is None:
        raise invalid(f"Could not find repo: {body['repo']}")
    if account.did != did:
        raise XrpcError(401, "Authentication Required", "AuthenticationRequired")
    return account


async def create_record(request: web.Request) -> web.Response:
    """Write a post (other collections are refused: the bot makes only posts)."""
    body = await input_body(request, "repo", "collection", "record")
    account = _own_repo(request, body)
    record = body["record"]
    if body["collection"] != POST or not isinstance(record, dict):
        raise invalid(f"Invalid collection or record: {body['collection']} (emulator: posts only)")
    if record.get("$type", POST) != POST:
        raise invalid(f"Invalid $type: must be {POST}, got {record.get('$type')}")
    record = {"$type": POST} | record
    rkey = str(body.get("rkey") or new_rkey(state_of(request).now()))
    check_rkey(rkey, POST)
    if body.get("validate") is not False:
        check_post(record)
    state = state_of(request)
    try:
        post = state.store.create_post(account.did, rkey, record)
    except DuplicateRecord as exc:
        # The PDS's MST throws a plain Error: express answers 500 without details.
        raise XrpcError(500, str(exc)) from exc
    return json_response(
        {
            "uri": post.uri,
            "cid": post.cid,
            "commit": {"cid": post.cid, "rev": state.store.next_rev()},
            "validationStatus": "valid",
        }
    )


async def delete_record(request: web.Request) -> web.Response:
    """Delete a post; deleting one that does not exist is no error."""
    body = await input_body(request, "repo", "collection", "rkey")
    account = _own_repo(request, body)
    store = state_of(request).store
    store.delete_post(account.did, str(body["rkey"]))
    return json_response({"commit": {"cid": "", "rev": store.next_rev()}})


async def get_record(request: web.Request) -> web.Response:
    """Read one record from a repo (the PDS's own copy: there as soon as it is written)."""
    query = request.query
    repo = param(query, "repo", required=True) or ""
    collection = param(query, "collection", required=True) or ""
    rkey = param(query, "rkey", required=True) or ""
    store = state_of(request).store
    account = store.account(repo)
    if account is None:
        raise invalid(f"Could not find repo: {repo}")
    post = store.post_at(f"at://{account.did}/{collection}/{rkey}")
    if post is None:
        raise invalid(
            f"Could not locate record: at://{account.did}/{collection}/{rkey}", "RecordNotFound"
        )
    return json_response({"uri": post.uri, "cid": post.cid, "value": post.record})
