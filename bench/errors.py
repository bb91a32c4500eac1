"""Exceptions.

``UserError`` is for what a user supplied (config, data, flags): the CLI prints
its message as one line and exits 2. Everything else is library misuse or a bug
and keeps its traceback.
"""


class UserError(Exception):
    """Bad input from a user. The message is one line: what is wrong, and what to do."""


class ConfigError(UserError):
    """The config file or a --set override is invalid."""


class DataError(UserError):
    """A dataset file or one of its articles is invalid."""


class UnknownNameError(UserError, LookupError):
    """A summarizer type, metric or format name that is not registered."""
