"""Owner-only folders and files for rendered speech and fetched voices (0700 folders, 0600 files).

Rendered speech can hold the couple's words and the voices folder is theirs: nothing we write
there is readable by another account, whatever the umask. `skill/private_files.py` (issue 20)
does this for the whole project; until that module is on this branch, this small stand-in with
the same two function names is used instead, so the switch is a one-line import.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

try:  # the project-wide helper, when present
    from skill.private_files import private_dir, write_private  # noqa: F401
except ImportError:
    FOLDER_MODE = 0o700
    FILE_MODE = 0o600

    def private_dir(folder: str | Path) -> Path:
        """Create `folder` (and missing parents) and make it owner-only; returns it."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if stat.S_IMODE(folder.stat().st_mode) != FOLDER_MODE:
            os.chmod(folder, FOLDER_MODE)  # mkdir's mode is filtered by the umask; chmod is not
        return folder

    def write_private(path: str | Path, data: str | bytes) -> Path:
        """Write a whole file as 0600, atomically (a temporary file renamed into place)."""
        path = Path(path)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{id(data)}.tmp")
        payload = data.encode("utf-8") if isinstance(data, str) else data
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        try:
            os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "wb") as out:
                out.write(payload)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return path


def private_file(path: str | Path) -> Path:
    """Make an existing file owner-only (0600), whatever mode it was created with."""
    path = Path(path)
    if path.exists() and stat.S_IMODE(path.stat().st_mode) != 0o600:
        os.chmod(path, 0o600)
    return path
