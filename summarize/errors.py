"""Errors raised by the summarizer.

SummarizeError
 ├── TopicConfigError   the topics file is malformed
 └── UnknownTopic       a digest was asked for a topic that is not configured
"""


class SummarizeError(Exception):
    """Base of the summarizer's errors; the message is fit for a user."""


class TopicConfigError(SummarizeError):
    pass


class UnknownTopic(SummarizeError):
    pass
