"""`sitrep chat`: the bot's own handlers in a terminal, no Telegram needed.

The application is built as for Telegram, but its requests go to `ConsoleRequest`,
which answers the Bot API locally and prints what the bot sends.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TextIO

from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.app import build_application
from bot.settings import Settings

CHAT_ID = 1
_BOT = {"id": 1000, "is_bot": True, "first_name": "sitrep", "username": "sitrep_bot"}
_CHAT = {"id": CHAT_ID, "type": "private", "first_name": "you"}
_USER = {"id": CHAT_ID, "is_bot": False, "first_name": "you"}


def html_to_text(text: str) -> str:
    """Telegram HTML as terminal text: links keep their address, tags go."""
    text = re.sub(r'<a href="([^"]*)">(.*?)</a>', r"\2 (\1)", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


class ConsoleRequest(BaseRequest):
    """Answers the Bot API calls locally and prints messages to `out`."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._ids = itertools.count(1)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        result: Any = True
        if endpoint == "getMe":
            result = _BOT
        elif endpoint in ("sendMessage", "editMessageText"):
            self._show(str(params.get("text", "")), params.get("reply_markup"))
            result = {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": _CHAT,
                "from": _BOT,
                "text": params.get("text", ""),
            }
        elif endpoint == "answerCallbackQuery" and params.get("text"):
            print(f"({params['text']})", file=self.out)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _show(self, text: str, markup: Any) -> None:
        print(html_to_text(text), file=self.out)
        if isinstance(markup, str):
            markup = json.loads(markup)
        if isinstance(markup, dict):
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    print(
                        f"  [{button['text']}]  type: press {button['callback_data']}",
                        file=self.out,
                    )
        print(file=self.out)


def _update(line: str, counter: Callable[[], int]) -> dict[str, Any]:
    number = counter()
    if line.startswith("press "):
        shown = {"message_id": number, "date": int(time.time()), "chat": _CHAT, "from": _BOT}
        return {
            "update_id": number,
            "callback_query": {
                "id": str(number),
                "from": _USER,
                "chat_instance": "console",
                "message": shown,
                "data": line.removeprefix("press ").strip(),
            },
        }
    message: dict[str, Any] = {
        "message_id": number,
        "date": int(time.time()),
        "chat": _CHAT,
        "from": _USER,
        "text": line,
    }
    if line.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(line.split()[0])}]
    return {"update_id": number, "message": message}


async def chat(settings: Settings, lines: TextIO | None = None, out: TextIO | None = None) -> None:
    """Read commands from `lines` until end of input, answering as the bot would."""
    lines = lines or sys.stdin
    out = out or sys.stdout
    application = build_application(
        replace(settings, token="0:console", api_base_url=None), request=ConsoleRequest(out)
    )
    counter = itertools.count(1).__next__
    interactive = lines.isatty()
    async with application:
        if interactive:
            print("sitrep chat: type /help, /kursk, ... (Ctrl-D to leave)", file=out)
        while True:
            if interactive:
                print("> ", end="", file=out, flush=True)
            line = await asyncio.to_thread(lines.readline)
            if not line:
                break
            if line.strip():
                update = Update.de_json(_update(line.strip(), counter), application.bot)
                await application.process_update(update)
