"""The Telegram application: one function wires it, `run_bot` runs it."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlite_utils import Database
from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import handlers
from bot.briefings import Pacer, schedule_all
from bot.polling import schedule_polling, sync_feed_config
from bot.service import DigestCache
from bot.settings import Settings, SettingsError
from ingest.feeds import Fetcher, make_client
from storage.articles import prune_batch
from storage.db import iso, open_database, utc_now

log = logging.getLogger(__name__)
# sitrep waits out flood limits itself (the limiter below retries none); the limiter would
# log each one as an error with a traceback.
logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)


@dataclass
class SitrepState:
    """What handlers and jobs share: settings, the database and the clock."""

    settings: Settings
    db: Database
    now: Callable[[], datetime] = field(default=utc_now)
    pacer: Pacer = field(default_factory=Pacer)
    fetcher: Fetcher | None = None  # set while the application runs
    digests: DigestCache = field(default_factory=DigestCache)


async def prune_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Drop articles older than the retention setting."""
    state = context.bot_data["sitrep"]
    cutoff = state.now() - timedelta(days=state.settings.retention_days)
    removed = 0
    while batch := prune_batch(state.db, iso(cutoff)):
        removed += batch
        await asyncio.sleep(0)  # replies and briefings go on between batches
    if removed:
        log.info("retention: removed %d articles stored before %s", removed, iso(cutoff))


def bot_commands(settings: Settings) -> list[BotCommand]:
    topics = [BotCommand(t.name, f"latest digest: {t.title}") for t in settings.topics]
    return [
        *topics,
        BotCommand("subscribe", "daily briefing on topics"),
        BotCommand("unsubscribe", "stop the daily briefing"),
        BotCommand("time", "when the briefing comes (HH:MM)"),
        BotCommand("timezone", "your time zone (Area/City)"),
        BotCommand("settings", "what you get and when"),
        BotCommand("search", "search recent sentences"),
        BotCommand("sources", "outlets and their latest articles"),
        BotCommand("topics", "topics and the places they cover"),
        BotCommand("help", "all commands"),
    ]


def add_handlers(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Every command and button of sitrep."""
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("help", handlers.help_command))
    application.add_handler(CommandHandler("topics", handlers.topics_command))
    application.add_handler(
        CommandHandler([t.name for t in settings.topics], handlers.digest_command)
    )
    application.add_handler(CommandHandler("subscribe", handlers.subscribe))
    application.add_handler(CommandHandler("unsubscribe", handlers.unsubscribe))
    application.add_handler(CommandHandler("time", handlers.time_command))
    application.add_handler(CommandHandler("timezone", handlers.timezone_command))
    application.add_handler(CommandHandler("settings", handlers.settings_command))
    application.add_handler(CommandHandler("search", handlers.search))
    application.add_handler(CommandHandler("sources", handlers.sources))
    application.add_handler(CommandHandler("stats", handlers.stats))
    application.add_handler(CommandHandler("ingest", handlers.ingest_now))
    application.add_handler(CallbackQueryHandler(handlers.toggle_topic, pattern=r"^toggle:"))
    application.add_handler(MessageHandler(filters.COMMAND, handlers.unknown))
    application.add_error_handler(handlers.on_error)


def build_application(
    settings: Settings,
    db: Database | None = None,
    now: Callable[[], datetime] = utc_now,
    request: BaseRequest | None = None,
    poll: bool = True,
) -> Application:  # type: ignore[type-arg]
    """The PTB application for `settings`: rate limited, jobs rebuilt from the database."""
    if not settings.token:
        raise SettingsError("TELEGRAM_BOT_TOKEN is not set (create a bot with @BotFather)")
    state = SitrepState(
        settings, db or open_database(settings.db_path), now, Pacer(settings.broadcast_rate)
    )

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        await application.bot.set_my_commands(bot_commands(settings))
        assert application.job_queue is not None
        count = schedule_all(application.job_queue, state.db, state.now())
        log.info("sitrep started: %d chats with daily briefings", count)
        application.job_queue.run_repeating(
            prune_job, interval=6 * 3600, first=60, name="retention"
        )
        if settings.feeds and poll:
            state.fetcher = Fetcher(make_client())
            sync_feed_config(state.db, settings)
            schedule_polling(application.job_queue)

    async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
        if state.fetcher is not None:
            await state.fetcher.client.aclose()

    builder = (
        Application.builder()
        .token(settings.token)
        .rate_limiter(AIORateLimiter(overall_max_rate=settings.broadcast_rate, max_retries=0))
        # One user's digest being summarized must not hold up everyone else's commands.
        .concurrent_updates(True)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if settings.api_base_url:
        base = settings.api_base_url.rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application = builder.build()
    application.bot_data["sitrep"] = state
    add_handlers(application, settings)
    return application


class RedactSecrets(logging.Filter):
    """Replace the bot token (and webhook secret) wherever a log record would show it."""

    def __init__(self, *secrets: str | None) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(s in message for s in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "[redacted]")
            record.msg, record.args = message, None
        return True


def configure_logging(settings: Settings, level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it logs every request URL
    redact = RedactSecrets(settings.token, settings.webhook_secret)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)


def run_bot(settings: Settings) -> None:
    """Run until interrupted: long polling, or a webhook when WEBHOOK_URL is set."""
    application = build_application(settings)
    if settings.webhook_url:
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)


async def run_poller(settings: Settings) -> None:
    """`sitrep poll`: the job queue polling feeds until SIGINT or SIGTERM, no Telegram."""
    from bot.console import ConsoleRequest  # answers the few Bot API calls locally

    db = open_database(settings.db_path)
    sync_feed_config(db, settings)
    offline = ConsoleRequest(sys.stderr)
    application = (
        Application.builder().token("0:offline").request(offline).get_updates_request(offline)
    ).build()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with make_client() as client:
        application.bot_data["sitrep"] = SitrepState(settings, db, fetcher=Fetcher(client))
        async with application:
            await application.start()
            assert application.job_queue is not None
            schedule_polling(application.job_queue)
            log.info("polling feeds; Ctrl-C stops")
            await stop.wait()
            log.info("stopping: the poll in progress finishes its article first")
            await application.stop()
