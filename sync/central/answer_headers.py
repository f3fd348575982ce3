"""The headers every answer of the central carries, errors included.

- ``Cache-Control: no-store``: the feed and the snapshot carry staff PIN hashes and member data,
  an order or a purchase its customer (masked), the web shop's read of an order the customer's
  name and phone. No browser, proxy or CDN between a till and the central may keep a copy of
  any answer; none is worth caching.
- ``X-Content-Type-Options: nosniff``: a browser takes each answer as the type it declares (a
  JSON error that quotes a request is never read as a page or a script).

Set on the way out by :class:`AnswerHeaders` (an ASGI middleware), so no route can forget them.
An unexpected error's 500 is answered outside the middlewares (Starlette's
``ServerErrorMiddleware``): its handler adds :data:`ANSWER_HEADERS` itself.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ANSWER_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


class AnswerHeaders:
    """Put :data:`ANSWER_HEADERS` on every HTTP answer, replacing a route's own values."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                for name, value in ANSWER_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)
