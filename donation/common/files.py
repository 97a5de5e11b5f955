"""Files written whole: the bytes go to a temporary file beside the target, renamed over it once complete, so a run
killed midway never leaves a half-written file under the name people open."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staged(path: Path, data: bytes) -> Iterator[Callable[[], None]]:
    """Write `data` beside `path` and yield the function that puts it in place (an atomic rename). Leaving the
    block by an error removes the temporary file, and the placed file too: whoever placed it did not finish."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")  # same folder: a rename, never a copy
    placed = False
    try:
        with temporary.open("xb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())  # on disk before the rename makes it the file, should the machine stop

        def place() -> None:
            nonlocal placed
            os.replace(temporary, path)
            placed = True

        yield place
    except BaseException:
        if placed:
            path.unlink(missing_ok=True)
        raise
    finally:
        if not placed:
            temporary.unlink(missing_ok=True)


def write_whole(path: Path, data: bytes) -> None:
    """`path.write_bytes(data)`, except that the file appears only once all of it is written."""
    with staged(path, data) as place:
        place()
