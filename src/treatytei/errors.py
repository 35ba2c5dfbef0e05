"""The one exception type the CLI turns into a one-line error message."""

from __future__ import annotations

from pathlib import Path


class TreatyError(Exception):
    """A problem with an input the user can fix: names the file and the problem."""

    def __init__(self, path: str | Path | None, message: str):
        self.path = str(path) if path is not None else None
        self.message = message
        super().__init__(self.line())

    def __reduce__(self):
        # so that an error raised in a worker process arrives intact
        return (TreatyError, (self.path, self.message))

    def line(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message
