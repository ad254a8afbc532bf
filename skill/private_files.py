"""Owner-only files: the couple's names, history and rendered speech are readable by their account alone.

A Pi is often shared (a `pi` account, a second login, a service account), and the default
umask (022) would leave every file we write world-readable. So folders we own are 0700 and
files 0600, set explicitly rather than trusted to the umask; a folder of ours found looser
is tightened with one line on stderr. Folders someone chose for us (a `--db` in /srv, a
`--out` in their home) are used as they are: we never chmod a folder we did not make ours.
"""

from __future__ import annotations

import os
import stat
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

APP_NAME = "closer-together"
FOLDER_MODE = 0o700
FILE_MODE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")  # SQLite gives these its database file's mode


def data_dir() -> Path:
    """The per-user data folder (platformdirs): where the database lives unless told otherwise."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


def cache_dir() -> Path:
    """The per-user cache folder (platformdirs): rendered speech and fetched models."""
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME))


def private_dir(folder: str | Path) -> Path:
    """Create `folder` (and missing parents) owner-only, or tighten it if it is looser; returns it."""
    folder = Path(folder)
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)  # parents keep the usual mode: ~/.local/share is not ours
        os.chmod(folder, FOLDER_MODE)  # mkdir's mode is filtered by the umask; chmod is not
        return folder
    mode = stat.S_IMODE(folder.stat().st_mode)
    if mode & 0o077 and os.name != "nt":  # Windows reports 777 for every folder; its ACLs are per user already
        os.chmod(folder, FOLDER_MODE)
        print(f"closer: {folder} was readable by other accounts ({mode:o}); made it owner-only (700)",
              file=sys.stderr)
    return folder


def private_file(path: str | Path) -> Path:
    """Make an existing file owner-only (0600), whatever mode it was created with."""
    path = Path(path)
    if os.name == "nt" or not path.exists():
        return path
    info = path.stat()
    # Another account's file (the service user's, read by an administrator) is theirs to keep.
    if stat.S_IMODE(info.st_mode) != FILE_MODE and os.geteuid() in (0, info.st_uid):
        os.chmod(path, FILE_MODE)
    return path


@contextmanager
def owner_only_umask():
    """Inside this block new files and folders get no group or other bits (umask 077).

    The umask is per process, so this is for short creation steps (an open, a rename), not a session."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def write_private(path: str | Path, data: str | bytes) -> Path:
    """Write a whole file as 0600, atomically (a temporary file renamed into place)."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")  # threads may race
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with owner_only_umask():
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


def prepare_database(path: str | Path) -> Path:
    """Make a SQLite file ready to open owner-only; call before `sqlite3.connect(path)`.

    The default data folder is created (0700); any other folder must already exist, so a typo in
    `--db` is an error rather than a new tree of folders. The file is created empty as 0600:
    SQLite then gives its -wal and -shm the same mode, whatever the umask."""
    path = Path(path)
    folder = path.parent
    if folder == data_dir():
        private_dir(folder)
    elif not folder.is_dir():
        raise FileNotFoundError(f"the folder {folder} does not exist (create it first, or choose another --db)")
    if not path.exists():
        with owner_only_umask():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    for file in (path, *(Path(f"{path}{suffix}") for suffix in SQLITE_COMPANIONS)):
        private_file(file)  # an older, looser database and its companions are tightened too
    return path
