"""What the last build made from what: content hashes of each step's inputs, so that a
rebuild skips work whose inputs did not change. Kept in build/state.json (not in git;
deleting it only makes the next build do everything)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import __version__
from .fileio import file_sha256, write_atomic


def digest(*parts) -> str:
    """A hash of strings, bytes and files (Path: its name and the SHA-256 of its bytes; a
    missing file counts too)."""
    h = hashlib.sha256(__version__.encode())
    for part in parts:
        if isinstance(part, Path):
            h.update(b"H" + str(part.name).encode() + b"\0")
            h.update(file_sha256(part).encode() if part.is_file() else b"<missing>")
        elif isinstance(part, bytes):
            h.update(b"B" + part)
        else:
            h.update(b"S" + str(part).encode())
        h.update(b"\0")
    return h.hexdigest()


def tree_digest(*folders: Path, pattern: str = "*") -> str:
    """A hash of every file matching ``pattern`` under the folders (names and bytes)."""
    parts: list = []
    for folder in folders:
        if folder.exists():
            for f in sorted(p for p in folder.rglob(pattern) if p.is_file() and not p.name.startswith(".")):
                parts += [str(f.relative_to(folder)), f]
    return digest(*parts)


class BuildState:
    def __init__(self, root: Path):
        self.path = Path(root) / "build" / "state.json"
        try:
            self.data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            self.data = {}

    def get(self, step: str, key: str):
        return self.data.get(step, {}).get(key)

    def put(self, step: str, key: str, value) -> None:
        self.data.setdefault(step, {})[key] = value

    def save(self) -> None:
        write_atomic(self.path, (json.dumps(self.data, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
