"""Hostile and random command input never raises out of a handler (property-based)."""

from __future__ import annotations

import asyncio
import io
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update
from telegram.ext import ContextTypes

from bot.app import build_application
from bot.console import ConsoleRequest, _update
from bot.render import render_digest
from bot.settings import Settings, load_topics
from storage.db import open_database
from summarize.model import Digest, DigestItem, SourceRef

TOPICS = load_topics()
COMMANDS = [
    "/start",
    "/help",
    "/topics",
    "/kursk",
    "/donetsk",
    "/subscribe",
    "/unsubscribe",
    "/time",
    "/timezone",
    "/settings",
    "/search",
    "/sources",
    "/stats",
    "/nosuch",
    "/kursk@sitrep_bot",
]
HOSTILE = st.sampled_from(
    [
        "<b>",
        "</a>",
        "&amp;",
        "' OR 1=1 --",
        '"; DROP TABLE articles; --',
        "%s%n",
        "../../etc",
        "\u202e",
        "\x00",
        "Europe/../../x",
        "99:99",
        "-1",
        "all all all",
        "🇺🇦" * 50,
    ]
)
ARGUMENT = st.one_of(st.text(max_size=300), HOSTILE, st.text(alphabet="/:@ -_", max_size=40))


async def play(lines: list[str]) -> tuple[list[Any], str]:
    out = io.StringIO()
    application = build_application(
        Settings(db_path=":memory:", topics=TOPICS, token="0:test"),
        db=open_database(None),
        request=ConsoleRequest(out),
    )
    errors: list[Any] = []

    async def record(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)

    application.add_error_handler(record)
    counter = iter(range(1, 1000)).__next__
    async with application:
        for line in lines:
            await application.process_update(
                Update.de_json(_update(line, counter), application.bot)
            )
    return errors, out.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command=st.sampled_from(COMMANDS), args=st.lists(ARGUMENT, max_size=4))
def test_commands_with_any_arguments_never_raise(command: str, args: list[str]) -> None:
    line = " ".join([command, *args]).replace("\n", " ").strip()
    errors, output = asyncio.run(play([line]))
    assert errors == []
    assert output.strip(), f"no reply to {line!r}"


@settings(max_examples=30, deadline=None)
@given(data=st.text(max_size=200))
def test_any_button_data_never_raises(data: str) -> None:
    errors, _ = asyncio.run(play(["/start", f"press {data}".strip()]))
    assert errors == []


def test_a_ten_thousand_character_digest_arrives_as_several_valid_messages() -> None:
    source = SourceRef("Outlet <&>", "https://example.org/a?b=1&c=<2>", "Title", "2025-01-07")
    items = tuple(
        DigestItem(f"Sentence {n} about <b>Sudzha</b> & Kursk, " + "word " * 60, (source,), 1)
        for n in range(30)
    )
    digest = Digest("kursk", "Kursk", "2025-01-08T08:00:00+00:00", items, 1, "2025-01-07")
    messages = render_digest(digest)
    assert sum(len(m) for m in messages) > 10_000
    assert len(messages) >= 3
    for message in messages:
        assert len(message) <= 4096
        tags = re.findall(r"</?(\w+)[^>]*>", message)
        opened = re.findall(r"<(\w+)[ >]", message)
        closed = re.findall(r"</(\w+)>", message)
        assert sorted(opened) == sorted(closed), tags
        assert "<b>Sudzha" not in message and "&lt;b&gt;Sudzha" in message
    assert all(f"Sentence {n} " in "".join(messages) for n in range(30))
