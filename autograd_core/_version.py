"""The installed version of autograd-core, read from the package metadata."""

from __future__ import annotations

from importlib import metadata


def installed_version(distribution: str = "autograd-core") -> str:
    """The version pip installed, or "0+unknown" when running from a checkout that is not
    installed (nothing in the metadata to read).

    Examples
    --------
    >>> installed_version("no-such-distribution-here")
    '0+unknown'
    """
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "0+unknown"
