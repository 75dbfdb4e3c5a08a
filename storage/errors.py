"""Errors raised by storage.

StorageError               the database cannot be used (message fit for a user)
 └── DatabaseUnavailable   the file or its folder is missing, unreadable or not a database
"""


class StorageError(Exception):
    """Base of storage errors."""


class DatabaseUnavailable(StorageError):
    pass
