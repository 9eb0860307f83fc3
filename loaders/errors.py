"""Errors raised by the loaders.

Bad *data* is never raised: it is reported as :class:`loaders.model.Problem`
records. These exceptions are for inputs that cannot be read at all.
"""

from __future__ import annotations


class LoaderError(Exception):
    """Base class of every error the loaders raise."""
