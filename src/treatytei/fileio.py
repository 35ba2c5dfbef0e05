"""Atomic writes and the fingerprints that protect editors' hand edits.

Every file the toolkit writes goes through :func:`write_atomic`: the bytes go to a
temporary file in the same directory, are flushed to disk, and replace the target in
one ``os.replace`` -- a reader never sees half a file, and a crash leaves the old
file intact. A step that writes many files at once stages them the same way
(:class:`Staged`) while it computes the rest, and replaces them all at the end, or
none. Caches under build/ go through :func:`write_cache`: atomic too, not forced to
disk.

Files under ``tei/`` are the editors' master copies. :class:`Fingerprints` remembers
the SHA-256 of what the toolkit last wrote there (``tei/.fingerprints.json``, kept in
git). A file whose bytes differ from its fingerprint was changed by somebody else and
is never overwritten silently.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from .errors import TreatyError


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


#: file -> (its identity and times when hashed, the SHA-256 of its bytes)
_FILE_DIGESTS: dict[str, tuple[tuple, str]] = {}
#: how old a file's last change must be for its hash to be remembered (see file_sha256)
_SETTLED_NS = 2_000_000_000


def file_sha256(path) -> str:
    """The SHA-256 of a file's bytes. Every step of a build hashes the edition's files
    to know what changed; the hash is remembered for this process by the file's device,
    inode, size, modification and change times, so that a build reads and hashes each
    file once rather than once per step. Any write changes one of those (our writes make
    a new inode; an edit in place moves both times). Only a file last changed more than
    two seconds before it was hashed is remembered: file times move in clock ticks, and
    a file changed twice within one tick (same size, same inode) keeps its times, so a
    hash of a file changed just now is not trusted to stand for it later (as git does
    for "racy" files). Raises TreatyError for a missing or unreadable file."""
    import time

    name = os.fspath(path)
    try:
        st = os.stat(name)
    except OSError:
        read_bytes(Path(name))   # the clear error for it
        raise
    ident = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    known = _FILE_DIGESTS.get(name)
    if known is not None and known[0] == ident:
        return known[1]
    digest = sha256(read_bytes(Path(name)))
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > _SETTLED_NS:
        _FILE_DIGESTS[name] = (ident, digest)
    return digest


def _unlink(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass


def _write_beside(path: Path, data: bytes) -> str:
    """``data`` in a new temporary file beside ``path``, flushed to disk; its name.
    Nothing is left behind if writing fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def write_atomic(path: Path, data: bytes) -> None:
    path = Path(path)
    tmp = _write_beside(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise


class Staged:
    """Files written beside their targets (flushed to disk, as by :func:`write_atomic`)
    while other work goes on, and put in place all together by :meth:`commit` -- or,
    if the ``with`` block fails, removed, leaving every target as it was::

        with Staged() as staged:
            for path, data in results:      # results computed while we write
                staged.add(path, data)
            staged.commit()

    The writes go to a few threads (writing and flushing wait on the disk, not on the
    GIL), so that ``add`` returns at once and the disk's flushes overlap."""

    THREADS = 4

    def __init__(self):
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=self.THREADS, thread_name_prefix="staged")
        self._writes: list = []   # (future of the temporary file's name, target), in order added
        self.pending: list[tuple[str, Path]] = []

    def add(self, path: Path, data: bytes) -> None:
        path = Path(path)
        self._writes.append((self._pool.submit(_write_beside, path, data), path))

    def _settle(self) -> None:
        """Wait for every write; the ones written join ``pending``. The first failure is
        raised once all have finished (so that every temporary file is known)."""
        error = None
        for future, path in self._writes:
            try:
                self.pending.append((future.result(), path))
            except BaseException as exc:   # noqa: BLE001 -- raised below, after the rest settle
                error = error or exc
        self._writes.clear()
        if error is not None:
            raise error

    def commit(self) -> None:
        self._settle()
        done = 0
        try:
            for tmp, path in self.pending:
                os.replace(tmp, path)
                done += 1
        finally:
            del self.pending[:done]

    def __enter__(self) -> "Staged":
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._settle()
        except BaseException:   # noqa: BLE001 -- the block's own error (or this one) is what counts
            if exc[0] is None:
                raise
        finally:
            for tmp, _ in self.pending:
                _unlink(tmp)
            self.pending.clear()
            self._pool.shutdown(wait=True)


def write_cache(path: Path, data: bytes) -> None:
    """Write a file of a build cache (build/), or of a folder that is swapped into place
    whole when complete: atomically, but without forcing it to disk -- a cache entry
    lost in a crash is only computed again. Always a new file: a hard link at ``path``
    is replaced, never written through."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def read_bytes(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise TreatyError(path, "file not found") from None
    except IsADirectoryError:
        raise TreatyError(path, "is a directory, not a file") from None
    except PermissionError:
        raise TreatyError(path, "cannot be read (permission denied)") from None
    except OSError as exc:
        raise TreatyError(path, f"cannot be read ({exc.strerror})") from None


class Fingerprints:
    """What the toolkit last wrote into a directory of master files, by file name.

    Each entry holds ``sha256`` (the bytes written) and, for converted files,
    ``source`` (the hash of the inputs they were made from), so a step can tell
    "unchanged since we wrote it" from "edited by hand" and "inputs changed".
    """

    FILE = ".fingerprints.json"

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.path = self.directory / self.FILE
        self.entries: dict[str, dict[str, str]] = {}
        if self.path.exists():
            try:
                self.entries = json.loads(self.path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                raise TreatyError(self.path, f"is not valid JSON ({exc}); delete it to start afresh") from None
            if not isinstance(self.entries, dict):
                raise TreatyError(self.path, "is not a JSON object; delete it to start afresh")

    def state(self, name: str) -> str:
        """'absent', 'untracked' (exists, never written by us), 'pristine' or 'edited'."""
        target = self.directory / name
        if not target.exists():
            return "absent"
        entry = self.entries.get(name)
        if entry is None:
            return "untracked"
        return "pristine" if file_sha256(target) == entry.get("sha256") else "edited"

    def source_hash(self, name: str) -> str | None:
        return self.entries.get(name, {}).get("source")

    def record(self, name: str, data: bytes, source: str | None = None) -> None:
        entry = dict(self.entries.get(name, {}))
        entry["sha256"] = sha256(data)
        if source is not None:
            entry["source"] = source
        self.entries[name] = entry

    def save(self) -> None:
        data = json.dumps(self.entries, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        write_atomic(self.path, data.encode("utf-8"))

    def backup(self, name: str) -> Path:
        """Copy an edited master file aside before it is replaced; returns the copy."""
        target = self.directory / name
        data = target.read_bytes()
        dest = self.directory / ".backup" / f"{target.stem}.{sha256(data)[:12]}{target.suffix}"
        write_atomic(dest, data)
        return dest


def inside(root: Path, path: Path, what: str = "file") -> Path:
    """``path``, if it stays inside the edition's folder once links are followed; a
    link (or a path) leading out of it is refused with one line, so that nothing from
    elsewhere on the machine reaches the TEI, the site or the bag."""
    root_real = Path(root).resolve()
    real = Path(path).resolve()
    if real != root_real and root_real not in real.parents:
        how = "a link to" if Path(path).is_symlink() else "outside the edition, at"
        raise TreatyError(path, f"this {what} is {how} {real}: refused (copy the file into the edition instead)")
    return Path(path)


def tree_inside(root: Path, folder: Path, what: str = "file") -> None:
    """Every file and link under ``folder`` stays inside the edition."""
    folder = Path(folder)
    if not folder.exists():
        return
    inside(root, folder, what)
    for p in sorted(folder.rglob("*")):
        if p.is_symlink() or p.is_file():
            inside(root, p, what)


def swap_folder(new: Path, out: Path) -> None:
    """Replace the folder ``out`` by ``new`` with two renames: readers see the old folder or
    the new one, never a mixture; the old one is removed after."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}-old-{new.name[-8:]}")
        out.rename(old)
    new.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
