"""Feed policy as pure functions of `now`: canonical URLs, when to look again, when to give up."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DEFAULT_INTERVAL = timedelta(minutes=10)
MIN_INTERVAL = timedelta(minutes=2)
MAX_INTERVAL = timedelta(hours=6)
MAX_BACKOFF = timedelta(hours=24)
DISABLE_AFTER = 12  # consecutive failures (about two days with backoff)

_TRACKING = (
    "utm_",
    "fbclid",
    "gclid",
    "mc_cid",
    "mc_eid",
    "ocid",
    "cmpid",
    "at_medium",
    "at_campaign",
)


def canonical_url(url: str) -> str:
    """The URL without tracking parameters, fragment, default port or a trailing slash."""
    parts = urlsplit(url.strip())
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING)
    ]
    host = (parts.hostname or "").lower()
    if parts.port and not (
        (parts.scheme == "http" and parts.port == 80)
        or (parts.scheme == "https" and parts.port == 443)
    ):
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), host, path, urlencode(sorted(query)), ""))


def poll_interval(configured: timedelta | None, ttl_minutes: int | None) -> timedelta:
    """The configured interval (default 10 minutes), stretched by a feed's <ttl> within bounds."""
    interval = configured or DEFAULT_INTERVAL
    if ttl_minutes:
        interval = max(interval, timedelta(minutes=ttl_minutes))
    return min(max(interval, MIN_INTERVAL), MAX_INTERVAL)


def next_check(now: datetime, interval: timedelta, failures: int) -> datetime:
    """After a success (failures 0) one interval; after failures, exponential backoff."""
    if failures <= 0:
        return now + interval
    return now + min(interval * (1 << min(failures, 16)), MAX_BACKOFF)


def should_disable(failures: int) -> bool:
    return failures >= DISABLE_AFTER


def domain_outlet(url: str) -> str:
    """An outlet name from a URL when nothing better is known: 'kyivindependent.com'."""
    host = (urlsplit(url).hostname or url).lower()
    return host.removeprefix("www.")
