"""Settings, built once in `main()` from the environment and the command line."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from summarize.errors import TopicConfigError
from summarize.topics import Topic, topics_from_config

DEFAULT_DB = "sitrep.db"


class SettingsError(Exception):
    """The environment holds a setting sitrep cannot use."""


@dataclass(frozen=True)
class FeedConfig:
    url: str
    outlet: str | None = None
    topics: tuple[str, ...] = ()
    interval_minutes: int = 10


@dataclass(frozen=True)
class Settings:
    db_path: str
    topics: tuple[Topic, ...]
    token: str | None = None
    api_base_url: str | None = None
    window_days: float = 3.0
    admin_ids: frozenset[int] = frozenset()
    webhook_url: str | None = None  # set: run a webhook instead of long polling
    webhook_secret: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    broadcast_rate: float = 30.0  # briefings a second, Telegram's overall limit
    feeds: tuple[FeedConfig, ...] = ()
    retention_days: int = 30  # articles stored longer ago are pruned

    def __repr__(self) -> str:  # never show the token or the webhook secret
        return f"Settings(db_path={self.db_path!r}, topics={[t.name for t in self.topics]})"


def load_topics(path: str | Path | None = None) -> tuple[Topic, ...]:
    """Topics from `path`, or the file shipped with the package."""
    try:
        if path is None:
            text = resources.files("bot").joinpath("topics.toml").read_text("utf-8")
        else:
            text = Path(path).read_text("utf-8")
        return topics_from_config(tomllib.loads(text))
    except OSError as error:
        raise TopicConfigError(f"cannot read topics file {path}: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise TopicConfigError(f"topics file {path} is not valid TOML: {error}") from None


def _read_toml(path: str | Path | None, packaged: str, what: str) -> dict[str, object]:
    try:
        if path is None:
            text = resources.files("bot").joinpath(packaged).read_text("utf-8")
        else:
            text = Path(path).read_text("utf-8")
        return tomllib.loads(text)
    except OSError as error:
        raise SettingsError(f"cannot read {what} file {path}: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"{what} file {path} is not valid TOML: {error}") from None


def load_feeds(path: str | Path | None = None) -> tuple[FeedConfig, ...]:
    """Feeds from `path`, or the default list shipped with the package."""
    entries = _read_toml(path, "feeds.toml", "feeds").get("feeds", [])
    if not isinstance(entries, list):
        raise SettingsError("the feeds file needs [[feeds]] entries")
    feeds = []
    for entry in entries:
        url = entry.get("url") if isinstance(entry, dict) else None
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise SettingsError(f"feed entry {entry!r} needs an http(s) url")
        feeds.append(
            FeedConfig(
                url=url,
                outlet=entry.get("outlet"),
                topics=tuple(entry.get("topics", ())),
                interval_minutes=int(entry.get("interval_minutes", 10)),
            )
        )
    return tuple(feeds)


def build_settings(
    environ: Mapping[str, str],
    db: str | None = None,
    topics: str | None = None,
    feeds: str | None = None,
) -> Settings:
    """Settings from explicit options first, then the environment, then defaults."""
    return Settings(
        db_path=db or environ.get("SITREP_DB") or DEFAULT_DB,
        topics=load_topics(topics or environ.get("SITREP_TOPICS") or None),
        token=environ.get("TELEGRAM_BOT_TOKEN") or None,
        api_base_url=environ.get("TELEGRAM_API_BASE_URL") or None,
        admin_ids=_ids(environ.get("ADMIN_IDS", "")),
        webhook_url=environ.get("WEBHOOK_URL") or None,
        webhook_secret=environ.get("WEBHOOK_SECRET") or None,
        webhook_listen=environ.get("WEBHOOK_LISTEN") or "0.0.0.0",
        webhook_port=_port(environ.get("WEBHOOK_PORT") or "8443"),
        broadcast_rate=_rate(environ.get("BROADCAST_RATE") or "30"),
        feeds=load_feeds(feeds or environ.get("SITREP_FEEDS") or None),
        retention_days=_days(environ.get("RETENTION_DAYS") or "30"),
    )


def _ids(text: str) -> frozenset[int]:
    """Telegram user ids from a comma- or space-separated list."""
    parts = text.replace(",", " ").split()
    bad = [p for p in parts if not p.lstrip("-").isdigit()]
    if bad:
        raise SettingsError(f"ADMIN_IDS must be numeric Telegram user ids, not {bad[0]!r}")
    return frozenset(int(p) for p in parts)


def from_environment(
    db: str | None = None, topics: str | None = None, feeds: str | None = None
) -> Settings:
    return build_settings(os.environ, db, topics, feeds)


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise SettingsError(f"WEBHOOK_PORT must be a port number, not {text!r}")
    return int(text)


def _rate(text: str) -> float:
    try:
        rate = float(text)
    except ValueError:
        rate = 0.0
    if not 0 < rate <= 1000:
        raise SettingsError(f"BROADCAST_RATE must be messages a second (0-1000], not {text!r}")
    return rate


def _days(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise SettingsError(f"RETENTION_DAYS must be a whole number of days, not {text!r}")
    return int(text)
