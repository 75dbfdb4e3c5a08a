"""Errors raised while reading sources.

IngestError               a source could not become an article (message fit for a user)
 ├── SourceNotFound       the path does not exist
 ├── UnreadableSource     binary, undecodable, unsupported or unreadable input
 └── NoArticleText        nothing (or too little) article text is left after cleaning
"""


class IngestError(Exception):
    """Base of ingest errors; the message says what is wrong with the source."""


class SourceNotFound(IngestError):
    pass


class UnreadableSource(IngestError):
    pass


class NoArticleText(IngestError):
    pass
