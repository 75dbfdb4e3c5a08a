"""The `sitrep` command line: one more front end over the same functions as the bot."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import configure_logging, run_bot, run_poller
from bot.console import chat
from bot.evaluate import SYSTEMS, evaluate, format_table, load_clusters
from bot.polling import sync_feed_config
from bot.render import render_plain
from bot.service import ingest_files, ingest_urls, resolve_topic, topic_digest
from bot.settings import Settings, SettingsError, from_environment
from ingest.errors import IngestError
from ingest.files import expand_sources, load_file
from storage.articles import prune_articles
from storage.db import iso, open_database, utc_now
from storage.errors import StorageError
from storage.feeds import add_feed, list_feeds, remove_feed
from summarize.digest import DEFAULT_MAX_WORDS, build_digest
from summarize.errors import SummarizeError
from summarize.model import Digest

USER_ERRORS = (IngestError, StorageError, SummarizeError, SettingsError)


def _date(text: str) -> str:
    try:
        return datetime.fromisoformat(text).isoformat()[: len(text)]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _words(text: str) -> int:
    if not text.isdigit() or not 10 <= int(text) <= 1000:
        raise argparse.ArgumentTypeError("--max-words takes a whole number from 10 to 1000")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitrep", description="Short, attributed situation digests from war news."
    )
    parser.add_argument("--db", help="database file (default: $SITREP_DB or sitrep.db)")
    parser.add_argument("--topics", help="topics TOML file (default: $SITREP_TOPICS or built-in)")
    parser.add_argument("--feeds", help="feeds TOML file (default: $SITREP_FEEDS or built-in)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="store articles from files or folders")
    ingest.add_argument("sources", nargs="+", metavar="SOURCE")
    ingest.add_argument("--outlet", help="outlet name for local files")
    ingest.add_argument("--published", type=_date, help="publication date for local files")

    digest = commands.add_parser("digest", help="the digest of one topic")
    digest.add_argument("topic")
    digest.add_argument("--json", action="store_true", help="print the digest as JSON")
    digest.add_argument("--max-words", type=_words, default=DEFAULT_MAX_WORDS)
    digest.add_argument("--since", type=_moment, help="only articles from this time on")

    summarize = commands.add_parser("summarize", help="summarize files, no database")
    summarize.add_argument("paths", nargs="+", metavar="PATH")
    summarize.add_argument("--json", action="store_true")
    summarize.add_argument("--max-words", type=_words, default=DEFAULT_MAX_WORDS)

    evaluation = commands.add_parser("eval", help="ROUGE of ours and the baselines on DUC data")
    evaluation.add_argument("dataset", metavar="DATASET", help="folder of cluster/docs, refs")
    evaluation.add_argument("--json", action="store_true")
    evaluation.add_argument("--max-words", type=_words, default=100)
    evaluation.add_argument(
        "--systems",
        default=",".join(SYSTEMS),
        help=f"comma-separated, from: {', '.join(SYSTEMS)}",
    )

    commands.add_parser("run", help="run the Telegram bot (TELEGRAM_BOT_TOKEN)")
    commands.add_parser("poll", help="poll the feeds in the foreground until Ctrl-C")
    prune = commands.add_parser("prune", help="delete articles stored more than N days ago")
    prune.add_argument("--days", type=int, help="default: $RETENTION_DAYS or 30")
    feeds = commands.add_parser("feeds", help="list, add or remove feeds")
    feed_actions = feeds.add_subparsers(dest="action", required=True, metavar="ACTION")
    feed_list = feed_actions.add_parser("list", help="feeds with their health")
    feed_list.add_argument("--json", action="store_true")
    feed_add = feed_actions.add_parser("add", help="poll another feed")
    feed_add.add_argument("url")
    feed_add.add_argument("--outlet", help="outlet name shown as the source")
    feed_add.add_argument("--interval", type=int, default=10, help="minutes between polls")
    feed_remove = feed_actions.add_parser("remove", help="stop polling a feed")
    feed_remove.add_argument("url")
    commands.add_parser("chat", help="the bot's commands in this terminal")

    topics = commands.add_parser("topics", help="the configured topics and their aliases")
    topics.add_argument("--json", action="store_true")
    return parser


def _print_digest(digest: Digest, as_json: bool) -> None:
    if as_json:
        print(json.dumps(digest.to_json(), ensure_ascii=False, indent=2))
    else:
        print(render_plain(digest))


def run_ingest(settings: Settings, args: argparse.Namespace, now: datetime) -> int:
    db = open_database(settings.db_path)
    counts = {"added": 0, "duplicate": 0, "rejected": 0}
    urls = [s for s in args.sources if s.startswith(("http://", "https://"))]
    paths = [s for s in args.sources if s not in urls]
    outcomes = list(
        ingest_files(db, paths, settings.topics, now, outlet=args.outlet, published=args.published)
    )
    if urls:
        outcomes += asyncio.run(ingest_urls(db, urls, settings.topics, now, args.outlet))
    for outcome in outcomes:
        counts[outcome.status] += 1
        stream = sys.stderr if outcome.status == "rejected" else sys.stdout
        print(f"{outcome.status:9} {outcome.source}: {outcome.detail}", file=stream)
    read = counts["added"] + counts["duplicate"]
    print(
        f"{counts['added']} added, {counts['duplicate']} duplicate, {counts['rejected']} rejected"
    )
    if read == 0 and counts["rejected"] == 0:
        print("sitrep: error: no .txt, .html or .htm files or URLs in the sources", file=sys.stderr)
    return 0 if read else 1


def run_summarize(settings: Settings, args: argparse.Namespace, now: datetime) -> int:
    documents = []
    for path in expand_sources(args.paths):
        article = load_file(Path(path), settings.topics)
        documents.append(article.as_document())
    digest = build_digest(documents, now=now, max_words=args.max_words)
    _print_digest(digest, args.json)
    return 0


def run_eval(args: argparse.Namespace) -> int:
    systems = [name.strip() for name in args.systems.split(",") if name.strip()]
    unknown = [name for name in systems if name not in SYSTEMS]
    if unknown or not systems:
        print(f"sitrep: error: unknown system {', '.join(unknown) or '(none)'}", file=sys.stderr)
        return 2
    clusters = load_clusters(Path(args.dataset))
    scores = evaluate(clusters, systems, args.max_words)
    if args.json:
        listing = [
            {
                "system": s.system,
                "rouge1": round(s.rouge1, 2),
                "rouge2": round(s.rouge2, 2),
                "seconds_per_cluster": round(s.seconds_per_cluster, 4),
            }
            for s in scores
        ]
        print(json.dumps({"clusters": len(clusters), "scores": listing}, indent=2))
    else:
        print(format_table(scores, len(clusters)))
    return 0


def run_feeds(settings: Settings, args: argparse.Namespace) -> int:
    db = open_database(settings.db_path)
    sync_feed_config(db, settings)
    if args.action == "add":
        if not args.url.startswith(("http://", "https://")):
            print(f"sitrep: error: {args.url!r} is not an http(s) URL", file=sys.stderr)
            return 1
        added = add_feed(db, args.url, args.outlet, (), max(2, args.interval) * 60)
        print(f"{'added' if added else 'already polled'}: {args.url}")
        return 0
    if args.action == "remove":
        if not remove_feed(db, args.url):
            print(f"sitrep: error: no feed {args.url}", file=sys.stderr)
            return 1
        print(f"removed: {args.url}")
        return 0
    feeds = list_feeds(db)
    if args.json:
        print(json.dumps([asdict(f) for f in feeds], indent=2))
        return 0
    for f in feeds:
        state = "disabled" if f.disabled else ("failing" if f.failures else "ok")
        print(
            f"{state:8} {f.url}\n         outlet: {f.outlet or '(from pages)'}; items: {f.items}; "
            f"last success: {f.last_success or 'never'}; next check: {f.next_check or 'now'}"
            + (f"\n         last error: {f.last_error}" if f.last_error else "")
        )
    return 0


def run_topics(settings: Settings, args: argparse.Namespace) -> int:
    if args.json:
        listing = [
            {"name": t.name, "title": t.title, "aliases": list(t.aliases)} for t in settings.topics
        ]
        print(json.dumps(listing, ensure_ascii=False, indent=2))
    else:
        for topic in settings.topics:
            print(f"/{topic.name}  {topic.title}: {', '.join(topic.aliases)}")
    return 0


def dispatch(args: argparse.Namespace, settings: Settings, now: datetime) -> int:
    if args.command == "ingest":
        return run_ingest(settings, args, now)
    if args.command == "digest":
        topic = resolve_topic(args.topic, settings.topics)
        db = open_database(settings.db_path)
        digest = topic_digest(
            db,
            topic,
            now,
            since=args.since,
            max_words=args.max_words,
            window_days=settings.window_days,
        )
        _print_digest(digest, args.json)
        return 0
    if args.command == "summarize":
        return run_summarize(settings, args, now)
    if args.command == "eval":
        return run_eval(args)
    if args.command == "run":
        configure_logging(settings)
        run_bot(settings)
        return 0
    if args.command == "poll":
        configure_logging(settings)
        asyncio.run(run_poller(settings))
        return 0
    if args.command == "feeds":
        return run_feeds(settings, args)
    if args.command == "prune":
        days = args.days if args.days is not None else settings.retention_days
        cutoff = now - timedelta(days=max(days, 0))
        removed = prune_articles(open_database(settings.db_path), iso(cutoff))
        print(f"removed {removed} article(s) stored before {iso(cutoff)}")
        return 0
    if args.command == "chat":
        asyncio.run(chat(settings))
        return 0
    return run_topics(settings, args)


def keep_stdout_for_results() -> None:
    """Send what native code prints (the HiGHS solver can) to stderr; stdout stays ours."""
    stream = sys.stdout
    if stream is not sys.__stdout__ or stream is None:
        return
    try:
        stream.flush()
        ours = os.dup(1)
        os.dup2(2, 1)
        sys.stdout = os.fdopen(ours, "w", encoding="utf-8", buffering=1)
    except (OSError, ValueError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    keep_stdout_for_results()
    try:
        settings = from_environment(db=args.db, topics=args.topics, feeds=args.feeds)
        return dispatch(args, settings, utc_now())
    except USER_ERRORS as error:
        print(f"sitrep: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sitrep: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
