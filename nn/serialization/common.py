"""What every checkpoint format shares: clear refusals, size limits, atomic writing.

A file that cannot be read gets one `ValueError` that names the file and
what is wrong with it (`refuse`). Declared sizes are checked against a
limit before anything is allocated (`check_size`). Every format is written
through `atomic_write`, so an interrupted save leaves the previous file as
it was.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import zipfile
from collections.abc import Iterator
from typing import IO, Any, NoReturn

import numpy as np

from autograd_core import Tensor

DEFAULT_MAX_BYTES = 4 * 2**30  # 4 GiB of tensor data: far above any model trained on numpy
_MAX_DEFLATE_RATIO = 1100  # deflate cannot compress better than about 1032:1


def refuse(path: str, problem: str) -> NoReturn:
    """Raise the one error a bad file gets: a ValueError naming the file and the problem."""
    raise ValueError(f"load: cannot read {path!r}: {problem}")


def check_size(path: str, declared: int, max_bytes: int | None) -> None:
    """Refuse a file whose arrays declare more than `max_bytes` bytes in total."""
    if max_bytes is not None and declared > max_bytes:
        refuse(
            path,
            f"its arrays declare {declared:,} bytes, above the limit of {max_bytes:,} bytes "
            "(pass max_bytes=... to nn.load to allow more, or max_bytes=None for no limit)",
        )


def check_zip_members(path: str, archive: zipfile.ZipFile, size: int) -> list[zipfile.ZipInfo]:
    """The archive's members, once each is known to lie inside the file and to declare an
    uncompressed size its stored bytes can hold (no zip bombs, no forged sizes)."""
    members = archive.infolist()
    for info in members:
        if not 0 <= info.header_offset <= size - 30:  # 30: a zip member's local header
            refuse(path, f"the zip member {info.filename!r} starts outside the file")
        deflated = info.compress_type == zipfile.ZIP_DEFLATED
        limit = _MAX_DEFLATE_RATIO * info.compress_size + 1024 if deflated else info.compress_size
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or (
            info.file_size > limit
        ):
            refuse(
                path,
                f"the zip member {info.filename!r} declares {info.file_size:,} bytes but "
                f"stores {info.compress_size:,} bytes (a truncated or forged archive)",
            )
    return members


def as_array(value: Any) -> np.ndarray | None:
    """The ndarray of a tensor or array leaf (None for anything else)."""
    if isinstance(value, Tensor):
        return np.asarray(value.detach().numpy())
    if isinstance(value, np.ndarray):
        return value
    return None


@contextlib.contextmanager
def atomic_write(path: str) -> Iterator[IO[bytes]]:
    """A binary file that replaces `path` only once it is completely written.

    The data goes to a new file in the same directory, is flushed and
    fsynced, then renamed over `path` with `os.replace` (atomic on POSIX and
    Windows). On any exception, KeyboardInterrupt included, the temporary file
    is removed and a previous file at `path` is untouched.
    """
    directory, name = os.path.split(os.path.abspath(path))
    temporary = os.path.join(directory, f".{name}.{secrets.token_hex(4)}.tmp")
    # O_EXCL: never reuse a file someone else made; mode 0o666 lets the umask decide, as open().
    fd = os.open(
        temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666
    )
    try:
        with os.fdopen(fd, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
