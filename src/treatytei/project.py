"""Where things live in an edition checkout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import TreatyError


@dataclass(frozen=True)
class Project:
    root: Path
    #: where dist/ is written this run (a build stages it): None is root/dist
    dist_dir: Path | None = None

    @classmethod
    def find(cls, start: Path | None = None) -> "Project":
        start = Path(start or Path.cwd()).resolve()
        for candidate in (start, *start.parents):
            if (candidate / "sources" / "sources.toml").is_file():
                return cls(candidate)
        raise TreatyError(start, "not inside an edition: no sources/sources.toml here or above")

    @property
    def manifest(self) -> Path:
        return self.root / "sources" / "sources.toml"

    @property
    def tei(self) -> Path:
        return self.root / "tei"

    @property
    def schema(self) -> Path:
        return self.root / "schema"

    @property
    def xslt(self) -> Path:
        return self.root / "xslt"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def dist(self) -> Path:
        return self.dist_dir if self.dist_dir is not None else self.root / "dist"

    @property
    def register(self) -> Path:
        return self.tei / "register.xml"

    def tei_files(self) -> list[Path]:
        """All TEI master files, register included, sorted by name."""
        from .fileio import inside

        return sorted(inside(self.root, p, "TEI file") for p in self.tei.glob("*.xml") if not p.name.startswith("."))
