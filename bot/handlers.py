"""Command and button handlers: short, each a line of purpose, the work done in services."""

from __future__ import annotations

import difflib
import html
import logging
import zoneinfo
from functools import cache
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.briefings import parse_hhmm, schedule_briefing
from bot.render import render_digest
from bot.service import topic_digest_off_loop
from ingest.feeds import poll_feeds
from storage.articles import article_count, outlet_activity, search_sentences
from storage.feeds import list_feeds
from storage.subscribers import (
    deliveries_on,
    ensure_subscriber,
    get_subscriber,
    set_topics,
    subscribed,
    update_subscriber,
)
from summarize.topics import Topic, find_topic

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
MAX_ARGUMENT = 200
SOURCES_DAYS = 30


def _state(context: Context) -> Any:
    return context.bot_data["sitrep"]


async def _reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            text, parse_mode=ParseMode.HTML, disable_web_page_preview=True, reply_markup=markup
        )


def _register(update: Update, context: Context) -> int:
    """Make sure the chat has a row; return its id."""
    chat = update.effective_chat
    assert chat is not None
    ensure_subscriber(_state(context).db, chat.id, chat.type, _state(context).now())
    return chat.id


def _args(context: Context) -> list[str]:
    return [a[:MAX_ARGUMENT] for a in (context.args or [])][:5]


def topic_keyboard(topics: tuple[Topic, ...], chosen: tuple[str, ...]) -> InlineKeyboardMarkup:
    """One button per topic: tap to subscribe, tap again to unsubscribe."""
    buttons = [
        InlineKeyboardButton(
            f"✅ {t.title}" if t.name in chosen else f"➕ {t.title}",
            callback_data=f"toggle:{t.name}",
        )
        for t in topics
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def _reschedule(context: Context, chat_id: int) -> None:
    subscriber = get_subscriber(_state(context).db, chat_id)
    if subscriber is not None and context.job_queue is not None:
        schedule_briefing(context.job_queue, subscriber)


def _describe(context: Context, chat_id: int) -> str:
    subscriber = get_subscriber(_state(context).db, chat_id)
    if subscriber is None or not subscriber.topics:
        return "You get no daily briefing yet. /subscribe to pick topics."
    topics = _state(context).settings.topics
    titles = ", ".join(t.title for t in topics if t.name in subscriber.topics)
    return (
        f"Daily briefing on <b>{html.escape(titles)}</b> at {subscriber.send_at} "
        f"({html.escape(subscriber.timezone)})."
    )


async def start(update: Update, context: Context) -> None:
    """Welcome the chat and offer the topics as buttons."""
    chat_id = _register(update, context)
    topics = _state(context).settings.topics
    subscriber = get_subscriber(_state(context).db, chat_id)
    commands = " ".join(f"/{t.name}" for t in topics)
    await _reply(
        update,
        "<b>sitrep</b>: short, sourced situation digests.\n"
        f"Ask {commands} for the latest picture, or pick topics for a daily briefing "
        "(08:00 UTC unless you set /time and /timezone).",
        topic_keyboard(topics, subscriber.topics if subscriber else ()),
    )
    _reschedule(context, chat_id)


async def help_command(update: Update, context: Context) -> None:
    """List the commands."""
    topics = " ".join(f"/{t.name}" for t in _state(context).settings.topics)
    await _reply(
        update,
        f"{topics} — the latest digest of a front\n"
        "/subscribe [topic|all] [HH:MM] — daily briefing\n"
        "/unsubscribe [topic|all] — stop it\n"
        "/time HH:MM — when the briefing comes\n"
        "/timezone Area/City — your time zone, e.g. Europe/Kyiv\n"
        "/settings — what you get and when\n"
        "/search words — recent sentences with their sources\n"
        "/sources — outlets and their latest articles\n"
        "/topics — the topics and the places they cover",
    )


async def topics_command(update: Update, context: Context) -> None:
    """Show the topics and the place names that mark them."""
    lines = [
        f"/{t.name} <b>{html.escape(t.title)}</b>: {html.escape(', '.join(t.aliases[:12]))}…"
        for t in _state(context).settings.topics
    ]
    await _reply(update, "\n".join(lines))


async def digest_command(update: Update, context: Context) -> None:
    """Reply with the digest of the topic the command names."""
    message = update.effective_message
    if message is None or not message.text:
        return
    name = message.text.split()[0].lstrip("/").split("@")[0]
    state = _state(context)
    topic = find_topic(name, state.settings.topics)
    if topic is None:
        await unknown(update, context)
        return
    digest = await topic_digest_off_loop(
        state.db, topic, state.now(), state.digests, state.settings.window_days
    )
    for text in render_digest(digest):
        await _reply(update, text)


def _parse_choice(args: list[str], topics: tuple[Topic, ...]) -> tuple[list[str], str | None, str]:
    """Topics and HH:MM named in `args`, and an error sentence ('' when fine)."""
    chosen: list[str] = []
    at = None
    for arg in args:
        if parse_hhmm(arg):
            at = arg if len(arg) == 5 else f"0{arg}"
        elif arg.lower() == "all":
            chosen += [t.name for t in topics]
        elif (topic := find_topic(arg, topics)) is not None:
            chosen.append(topic.name)
        else:
            known = ", ".join(t.name for t in topics)
            return [], None, f"I know no topic “{html.escape(arg)}”. Topics: {known}, or all."
    return chosen, at, ""


async def subscribe(update: Update, context: Context) -> None:
    """Subscribe to topics (buttons when none is named), optionally at HH:MM."""
    chat_id = _register(update, context)
    state = _state(context)
    chosen, at, error = _parse_choice(_args(context), state.settings.topics)
    if error:
        await _reply(update, error)
        return
    if not chosen and at is None:
        subscriber = get_subscriber(state.db, chat_id)
        await _reply(
            update,
            "Pick your topics:",
            topic_keyboard(state.settings.topics, subscriber.topics if subscriber else ()),
        )
        return
    set_topics(state.db, chat_id, add=chosen, remove=[])
    if at is not None:
        update_subscriber(state.db, chat_id, send_at=at)
    _reschedule(context, chat_id)
    await _reply(update, _describe(context, chat_id))


async def unsubscribe(update: Update, context: Context) -> None:
    """Stop the briefing on some topics, or all of them."""
    chat_id = _register(update, context)
    state = _state(context)
    args = _args(context) or ["all"]
    chosen, _, error = _parse_choice(args, state.settings.topics)
    if error:
        await _reply(update, error)
        return
    set_topics(state.db, chat_id, add=[], remove=chosen)
    _reschedule(context, chat_id)
    await _reply(update, _describe(context, chat_id))


async def time_command(update: Update, context: Context) -> None:
    """Set the local time of the daily briefing."""
    chat_id = _register(update, context)
    args = _args(context)
    at = parse_hhmm(args[0]) if args else None
    if at is None:
        await _reply(update, "Give a time as HH:MM, 24-hour: /time 07:30")
        return
    update_subscriber(_state(context).db, chat_id, send_at=at.strftime("%H:%M"))
    _reschedule(context, chat_id)
    await _reply(update, _describe(context, chat_id))


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


async def timezone_command(update: Update, context: Context) -> None:
    """Set the chat's IANA time zone, suggesting the closest names for a typo."""
    chat_id = _register(update, context)
    args = _args(context)
    wanted = args[0] if args else ""
    by_fold = {name.casefold(): name for name in _zone_names()}
    zone = by_fold.get(wanted.casefold())
    if zone is None:
        close = difflib.get_close_matches(wanted, _zone_names(), n=3, cutoff=0.6)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        await _reply(
            update,
            f"“{html.escape(wanted)}” is not a time zone I know.{hint} "
            "Use an Area/City name: /timezone Europe/Kyiv",
        )
        return
    update_subscriber(_state(context).db, chat_id, timezone=zone)
    _reschedule(context, chat_id)
    await _reply(update, _describe(context, chat_id))


async def settings_command(update: Update, context: Context) -> None:
    """Say what the chat gets, when, and in which zone."""
    chat_id = _register(update, context)
    await _reply(update, _describe(context, chat_id))


async def search(update: Update, context: Context) -> None:
    """Full-text search over stored sentences, newest first, with sources."""
    words = " ".join(_args(context))
    if not words.strip():
        await _reply(update, "What should I look for? /search Sudzha")
        return
    hits = search_sentences(_state(context).db, words)
    if not hits:
        await _reply(update, f"Nothing found for “{html.escape(words)}”.")
        return
    lines = [
        f"• {html.escape(text)} <i>— {html.escape(doc.outlet or doc.title)}, "
        f"{html.escape(doc.published or doc.sort_time[:10])}</i>"
        for text, doc in hits
    ]
    await _reply(update, "\n\n".join(lines)[:4000])


async def sources(update: Update, context: Context) -> None:
    """List the outlets of the SOURCES_DAYS up to the newest article, and when each last
    published."""
    rows = outlet_activity(_state(context).db, SOURCES_DAYS)
    if not rows:
        await _reply(update, "No articles yet.")
        return
    lines = [f"Outlets of the {SOURCES_DAYS} days to {rows[0][2][:10]}:"] + [
        f"{html.escape(outlet)}: {count} article(s), latest {newest[:10]}"
        for outlet, count, newest in rows[:30]
    ]
    await _reply(update, "\n".join(lines))


async def _admin(update: Update, context: Context) -> bool:
    """Whether the sender is an admin; anyone else gets the unknown-command answer."""
    user = update.effective_user
    if user is not None and user.id in _state(context).settings.admin_ids:
        return True
    await unknown(update, context)
    return False


async def stats(update: Update, context: Context) -> None:
    """Admins: subscribers, articles and today's deliveries."""
    if not await _admin(update, context):
        return
    db = _state(context).db
    today = _state(context).now().date().isoformat()
    deliveries = deliveries_on(db, today)
    await _reply(
        update,
        f"Subscribers with topics: {len(subscribed(db))}\n"
        f"Articles: {article_count(db)}\n"
        f"Deliveries today (UTC day): {deliveries or 'none'}\n"
        f"Feeds: {_feed_health(db)}",
    )


def _feed_health(db: Any) -> str:
    feeds = list_feeds(db)
    if not feeds:
        return "none"
    failing = sum(1 for f in feeds if f.failures and not f.disabled)
    disabled = sum(1 for f in feeds if f.disabled)
    healthy = len(feeds) - failing - disabled
    return f"{len(feeds)} ({healthy} ok, {failing} failing, {disabled} disabled)"


async def ingest_now(update: Update, context: Context) -> None:
    """Admins: poll every enabled feed now and say what came in."""
    if not await _admin(update, context):
        return
    state = _state(context)
    if state.fetcher is None:
        await _reply(update, "No feeds are configured.")
        return
    feeds = [f for f in list_feeds(state.db) if not f.disabled]
    reports = await poll_feeds(state.fetcher, state.db, feeds, state.settings.topics, state.now())
    added = sum(len(r.added) for r in reports)
    failed = [r for r in reports if r.error]
    lines = [f"Polled {len(reports)} feed(s): {added} new article(s), {len(failed)} failed."]
    lines += [f"• {html.escape(r.error or '')}" for r in failed[:10]]
    await _reply(update, "\n".join(lines))


async def toggle_topic(update: Update, context: Context) -> None:
    """A topic button: subscribe or unsubscribe, then redraw the buttons."""
    query = update.callback_query
    if query is None or not query.data:
        return
    chat_id = _register(update, context)
    state = _state(context)
    topic = find_topic(query.data.removeprefix("toggle:"), state.settings.topics)
    if topic is None:
        await query.answer("That topic no longer exists.")
        return
    subscriber = get_subscriber(state.db, chat_id)
    on = subscriber is not None and topic.name in subscriber.topics
    set_topics(state.db, chat_id, add=[] if on else [topic.name], remove=[topic.name] if on else [])
    _reschedule(context, chat_id)
    await query.answer(f"{'Unsubscribed from' if on else 'Subscribed to'} {topic.title}")
    now_subscriber = get_subscriber(state.db, chat_id)
    chosen = now_subscriber.topics if now_subscriber else ()
    await query.edit_message_text(
        _describe(context, chat_id),
        parse_mode=ParseMode.HTML,
        reply_markup=topic_keyboard(state.settings.topics, chosen),
    )


async def unknown(update: Update, context: Context) -> None:
    """Any command sitrep does not know."""
    await _reply(update, "I don't know that command. /help lists what I understand.")


async def on_error(update: object, context: Context) -> None:
    """Log the failure; tell the user in one sentence."""
    log.error("handler failed: %s", context.error, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_text("Sorry, something went wrong. Try again.")
        except Exception:  # the reply itself failing must not raise from the error handler
            log.warning("could not tell the user about the failure")
