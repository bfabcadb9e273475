"""Request guards in front of the app: a ``Host`` allow-list and a cap on the request body.

The ``Host`` check refuses DNS-rebinding requests against a server on a loopback address (a page
on another site whose name resolves to 127.0.0.1 sends its own name as ``Host``). The body cap
refuses a declared ``Content-Length`` above the limit at once and stops reading a streamed body
as soon as it passes the limit (bodies are small JSON or form posts, read whole before the app
sees them), so a large body is never held in memory or echoed back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
"""Host names a loopback server answers to by default."""


def host_name(header: str) -> str:
    """The host part of a ``Host`` header (``[::1]:8000`` -> ``::1``, ``Example.org.`` -> ``example.org``)."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0].rstrip(".") if value.count(":") == 1 else value.rstrip(".")


async def send_error(send: Send, status: int, message: str) -> None:
    """A small JSON error response ``{"detail": message}``."""
    body = json.dumps({"detail": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestGuard:
    """ASGI middleware: 400 for a ``Host`` outside ``allowed_hosts`` ("*" allows any), 413 for a body
    over ``max_body_bytes``."""

    def __init__(self, app: ASGIApp, allowed_hosts: Iterable[str], max_body_bytes: int) -> None:
        self.app = app
        self.allowed = {name.lower() for name in allowed_hosts}
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the request, then pass it on with a body reader that counts bytes."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]}
        if "*" not in self.allowed and host_name(headers.get("host", "")) not in self.allowed:
            await send_error(
                send, 400, "unknown Host header; the server answers only to its allowed host names"
            )
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await send_error(send, 413, f"request body larger than {self.max_body_bytes:,} bytes")
            return
        await self.counted(scope, receive, send)

    async def counted(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Read the body up to the limit (413 beyond it), then run the app on the buffered body."""
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            received += len(chunks[-1])
            if received > self.max_body_bytes:
                await send_error(send, 413, f"request body larger than {self.max_body_bytes:,} bytes")
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
