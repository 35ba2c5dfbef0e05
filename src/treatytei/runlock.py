"""One run at a time per edition, and the clearing-up after a run that was killed.

Two builds of one edition at once would write the same files: each command that
writes (build, convert, enrich, collate, publish, package) holds ``build/.lock`` while it
runs, and a second one stops at once with a clear error naming the first one's process.
The lock is the operating system's (``flock``): a killed run holds it no longer.

A run that was killed leaves its temporary files and folders behind: hidden, never read
as TEI or published, but a killed build of a large edition can leave a copy of the
whole site (hundreds of MB). Once the lock is held no other run of the edition is
alive, so :func:`sweep` removes them. Each name matched here is one only this toolkit
makes (a hidden name with a random part)."""

from __future__ import annotations

import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

from .errors import TreatyError

LOCK = Path("build") / ".lock"

#: the temporary file beside a target: ".NAME.RANDOM.tmp" (fileio: write_atomic, Staged)
#: or ".NAME.PID.tmp" (fileio: write_cache)
_TMP_FILE = re.compile(r"^\..+\.(?:[a-z0-9_]{8}|\d+)\.tmp$")
#: folders beside site/ (publish_html: the new pages, the staged site, the site replaced)
_SITE_DIRS = re.compile(r"^\.site-(?:pages-|old-)?[a-z0-9_]{8}$")
#: folders in dist/ (package: the staged bag, the bag replaced)
_DIST_DIRS = re.compile(r"^(?:\.bag-[a-z0-9_]{8}|\.treatytei-bag-old)$")
#: the staged dist/ of a build, beside dist/ (pipeline.staged_dist)
_STAGED_DIST = re.compile(r"^\.dist-staging-[a-z0-9_]{8}$")
#: a render job's scratch folder, named with its process id (publish_html._scratch)
NEUTRAL_PREFIX = ".treatytei-neutral-"
_NEUTRAL = re.compile(r"^\.treatytei-neutral-(\d+)-[a-z0-9_]{8}$")


@contextmanager
def edition_lock(root: Path):
    """Hold the edition's lock for the ``with`` block, or raise a TreatyError naming
    the process that holds it. Where the system has no ``flock``, runs unlocked."""
    try:
        import fcntl
    except ImportError:   # not a Unix: no lock to take
        yield
        return
    # the lock is taken on the edition's folder itself, which a run (or someone) deleting
    # build/ cannot remove; build/.lock only says which process holds it
    path = Path(root) / LOCK
    try:
        fd = os.open(Path(root), os.O_RDONLY)
    except OSError as exc:
        raise TreatyError(root, f"cannot take the edition's lock ({exc.strerror})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            locked = True
        except BlockingIOError:
            try:
                holder = path.read_text(encoding="ascii").strip() or "unknown"
            except (OSError, UnicodeDecodeError):
                holder = "unknown"
            raise TreatyError(path, f"another treatytei run is working on this edition (process {holder}); "
                              "wait for it to finish") from None
        except OSError:   # a file system without locks (some network ones): run unlocked
            locked = False
        if locked:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(f"{os.getpid()}\n", encoding="ascii")
            except OSError as exc:   # a read-only checkout: nothing could be written anyway
                raise TreatyError(path, f"cannot take the edition's lock ({exc.strerror})") from None
        try:
            yield
        finally:
            if locked:
                try:
                    path.write_text("", encoding="ascii")
                except OSError:
                    pass
                fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def sweep(root: Path, scratch: Path | None = Path("/dev/shm")) -> list[Path]:
    """Remove what killed runs left in the edition (call with the lock held); returns
    what was removed. In ``scratch``, only the render folders of processes that are no
    longer alive go (other editions' runs may be using theirs)."""
    root = Path(root)
    gone: list[Path] = []

    def remove(p: Path) -> None:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            try:
                p.unlink()
            except FileNotFoundError:
                pass
            except OSError:   # not ours to remove after all (another user's): left alone
                return
        gone.append(p)

    for folder in (root / "tei", root / "dist"):
        if folder.is_dir():
            for p in folder.iterdir():
                if _TMP_FILE.match(p.name) and p.is_file():
                    remove(p)
    if (root / "build").is_dir():
        for p in (root / "build").rglob(".*.tmp"):
            if _TMP_FILE.match(p.name) and p.is_file():
                remove(p)
    for p in root.iterdir():
        if (_SITE_DIRS.match(p.name) or _STAGED_DIST.match(p.name)) and p.is_dir():
            remove(p)
    if (root / "dist").is_dir():
        for p in (root / "dist").iterdir():
            if _DIST_DIRS.match(p.name) and p.is_dir():
                remove(p)
    if scratch is not None and scratch.is_dir():
        try:
            entries = list(scratch.iterdir())
        except OSError:
            entries = []
        for p in entries:
            m = _NEUTRAL.match(p.name)
            if m and not _alive(int(m.group(1))):
                remove(p)
    return sorted(gone)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:   # alive, someone else's
        return True
    except OSError:
        return True
    return True
