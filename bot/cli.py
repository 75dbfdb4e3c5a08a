"""The `sitrep` command line: one more front end over the same functions as the bot."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.render import render_plain
from bot.service import ingest_files, resolve_topic, topic_digest
from bot.settings import Settings, from_environment
from ingest.errors import IngestError
from ingest.files import expand_sources, load_file
from storage.db import open_database, utc_now
from storage.errors import StorageError
from summarize.digest import DEFAULT_MAX_WORDS, build_digest
from summarize.errors import SummarizeError
from summarize.model import Digest

USER_ERRORS = (IngestError, StorageError, SummarizeError)


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
    for outcome in ingest_files(
        db, args.sources, settings.topics, now, outlet=args.outlet, published=args.published
    ):
        counts[outcome.status] += 1
        stream = sys.stderr if outcome.status == "rejected" else sys.stdout
        print(f"{outcome.status:9} {outcome.source}: {outcome.detail}", file=stream)
    read = counts["added"] + counts["duplicate"]
    print(
        f"{counts['added']} added, {counts['duplicate']} duplicate, {counts['rejected']} rejected"
    )
    if read == 0 and counts["rejected"] == 0:
        print("sitrep: error: no .txt, .html or .htm files found in the sources", file=sys.stderr)
    return 0 if read else 1


def run_summarize(settings: Settings, args: argparse.Namespace, now: datetime) -> int:
    documents = []
    for path in expand_sources(args.paths):
        article = load_file(Path(path), settings.topics)
        documents.append(article.as_document())
    digest = build_digest(documents, now=now, max_words=args.max_words)
    _print_digest(digest, args.json)
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
    return run_topics(settings, args)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = from_environment(db=args.db, topics=args.topics)
        return dispatch(args, settings, utc_now())
    except USER_ERRORS as error:
        print(f"sitrep: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sitrep: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
