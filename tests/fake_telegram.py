"""A local fake of the Telegram Bot API (aiohttp on 127.0.0.1, a random port).

The bot reaches it through `base_url`; the test plays the users: it queues updates,
reads what the bot sent, and injects errors (429 with retry_after, 403, 400).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

BOT_USER = {
    "id": 424242,
    "is_bot": True,
    "first_name": "sitrep",
    "username": "sitrep_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
BLOCKED = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}


def too_many(retry_after: int) -> dict[str, Any]:
    return {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {retry_after}",
        "parameters": {"retry_after": retry_after},
    }


def bad_request(description: str = "Bad Request: can't parse entities") -> dict[str, Any]:
    return {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}


def zone_at(now: datetime, hours: int, ahead: timedelta) -> tuple[str, str]:
    """A fixed-offset zone (UTC+hours) and the local HH:MM there at now + ahead: where
    test users live and when their briefings fall due."""
    name = "Etc/GMT" if hours == 0 else f"Etc/GMT{-hours:+d}"
    return name, (now + timedelta(hours=hours) + ahead).strftime("%H:%M")


async def start_sitrep_run(
    db: Path, server: FakeTelegram, output: Any, **env: str
) -> asyncio.subprocess.Process:
    """`sitrep run` as a subprocess talking to `server`, polling no feeds, its stdout and
    stderr to `output` (a file or asyncio.subprocess.DEVNULL); `env` adds settings."""
    no_feeds = db.with_name("no-feeds.toml")
    no_feeds.write_text("feeds = []\n")
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "123456:SUBPROCESS-TEST",
        "TELEGRAM_API_BASE_URL": server.url,
        "SITREP_FEEDS": str(no_feeds),
        **env,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "--db",
        str(db),
        "run",
        cwd=Path(__file__).resolve().parent.parent,
        env=environment,
        stdout=output,
        stderr=asyncio.subprocess.STDOUT,
    )


class FakeTelegram:
    def __init__(self, rate_limit: float | None = None) -> None:
        self.updates: list[dict[str, Any]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.faults: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.blocked: set[int] = set()
        self.on_send: Callable[[dict[str, Any]], None] | None = None
        self.rate_limit = rate_limit  # messages a second; above it, 429
        self._sent_times: list[float] = []
        self.delivered: list[tuple[int, float]] = []  # (chat_id, wall-clock time) per message
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> FakeTelegram:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/_delivered", self._delivered)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        async with self._changed:
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    # The test's side: users act, then read what the bot did.

    def _user(self, user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}

    def _chat(self, chat_id: int, chat_type: str) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = f"user{chat_id}"
        else:
            chat["title"] = f"group {chat_id}"
        return chat

    async def send_text(
        self, chat_id: int, text: str, user_id: int | None = None, chat_type: str = "private"
    ) -> None:
        """A user types `text` in a chat."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id, chat_type),
            "from": self._user(user_id or abs(chat_id)),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        await self._push({"message": message})

    async def press(self, chat_id: int, message: dict[str, Any], data: str) -> None:
        """A user taps an inline button under `message` (a sent bot message)."""
        bot_message = {
            "message_id": message["message_id"],
            "date": int(time.time()),
            "chat": self._chat(chat_id, "private"),
            "from": BOT_USER,
            "text": message.get("text", ""),
        }
        await self._push(
            {
                "callback_query": {
                    "id": str(next(self._ids)),
                    "from": self._user(abs(chat_id)),
                    "chat_instance": f"ci{chat_id}",
                    "message": bot_message,
                    "data": data,
                }
            }
        )

    async def _push(self, update: dict[str, Any]) -> None:
        async with self._changed:
            update["update_id"] = next(self._ids)
            self.updates.append(update)
            self._changed.notify_all()

    def sent(self, chat_id: int | None = None, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [
            params
            for name, params in self.calls
            if name == method and (chat_id is None or int(params["chat_id"]) == chat_id)
        ]

    async def wait_for(
        self, condition: Callable[[], bool], timeout: float = 10.0, what: str = "the bot"
    ) -> None:
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what}; calls: {self.calls[-5:]}")
                try:
                    await asyncio.wait_for(self._changed.wait(), left)
                except TimeoutError:
                    continue

    async def replies(self, chat_id: int, count: int = 1, timeout: float = 10.0) -> list[str]:
        """Wait until the chat has received `count` more messages than before; return texts."""
        before = len(self.sent(chat_id))
        await self.wait_for(lambda: len(self.sent(chat_id)) >= before + count, timeout)
        return [m["text"] for m in self.sent(chat_id)[before:]]

    # The bot's side.

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        if self.faults[method]:
            fault = self.faults[method].pop(0)
            return web.json_response(fault, status=fault["error_code"])
        if method == "sendMessage":
            chat_id = int(params["chat_id"])
            if chat_id in self.blocked:
                return web.json_response(BLOCKED, status=403)
            if self.rate_limit is not None and self._over_rate():
                return web.json_response(too_many(1), status=429)
        async with self._changed:
            self.calls.append((method, params))
            self._changed.notify_all()
        if method == "sendMessage":
            self.delivered.append((int(params["chat_id"]), time.time()))
            if self.on_send is not None:
                self.on_send(params)
        return web.json_response({"ok": True, "result": self._result(method, params)})

    async def _delivered(self, request: web.Request) -> web.Response:
        """What a benchmark running this server in its own process reads back."""
        return web.json_response(self.delivered)

    def _over_rate(self) -> bool:
        now = time.monotonic()
        self._sent_times = [t for t in self._sent_times if now - t < 1.0]
        if self.rate_limit is not None and len(self._sent_times) >= self.rate_limit:
            return True
        self._sent_times.append(now)
        return False

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            text = str(value)
            try:
                params[key] = json.loads(text) if text[:1] in "[{" else text
            except ValueError:
                params[key] = text
        return params

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0) or 0)
        timeout = float(params.get("timeout", 0) or 0)
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                fresh = [u for u in self.updates if u["update_id"] >= offset]
                left = deadline - time.monotonic()
                if fresh or left <= 0:
                    return fresh
                try:
                    await asyncio.wait_for(self._changed.wait(), left)
                except TimeoutError:
                    return []

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in ("sendMessage", "editMessageText"):
            chat_id = int(params["chat_id"]) if "chat_id" in params else 0
            message: dict[str, Any] = {
                "message_id": int(params.get("message_id") or next(self._message_ids)),
                "date": int(time.time()),
                "chat": self._chat(chat_id, "private" if chat_id > 0 else "group"),
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
            return message
        return True


async def serve(rate_limit: float | None) -> None:
    """Run the fake on its own (`python -m tests.fake_telegram`): prints its URL, then
    serves until killed."""
    server = await FakeTelegram(rate_limit=rate_limit).start()
    print(server.url, flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate-limit", type=float)
    asyncio.run(serve(parser.parse_args().rate_limit))
