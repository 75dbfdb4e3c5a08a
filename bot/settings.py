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


@dataclass(frozen=True)
class Settings:
    db_path: str
    topics: tuple[Topic, ...]
    token: str | None = None
    api_base_url: str | None = None
    window_days: float = 3.0

    def __repr__(self) -> str:  # never show the token
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


def build_settings(
    environ: Mapping[str, str], db: str | None = None, topics: str | None = None
) -> Settings:
    """Settings from explicit options first, then the environment, then defaults."""
    return Settings(
        db_path=db or environ.get("SITREP_DB") or DEFAULT_DB,
        topics=load_topics(topics or environ.get("SITREP_TOPICS") or None),
        token=environ.get("TELEGRAM_BOT_TOKEN") or None,
        api_base_url=environ.get("TELEGRAM_API_BASE_URL") or None,
    )


def from_environment(db: str | None = None, topics: str | None = None) -> Settings:
    return build_settings(os.environ, db, topics)
