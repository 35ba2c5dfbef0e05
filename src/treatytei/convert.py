"""Step 1: sources -> TEI. Reads the manifest, runs each source's reader, and writes
``tei/<id>.xml`` atomically -- never over a file an editor changed, unless forced
(and then a backup is kept)."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from . import manifest as manifest_mod
from .errors import TreatyError
from .fileio import Fingerprints, Staged, sha256
from .project import Project
from .readers import READERS
from .tei import serialise


@dataclass
class Outcome:
    id: str
    path: Path
    status: str  # written | unchanged | up-to-date | kept-edited | replaced-edited
    backup: Path | None = None


def source_key(src: manifest_mod.Source) -> str:
    """Hash of everything the output depends on: the raw file, its manifest entry,
    and the converter version."""
    from . import __version__

    return sha256(f"{__version__}\n{src.digest()}\n{src.entry_key()}".encode())


def render(src: manifest_mod.Source) -> bytes:
    text = src.read_text()
    root = READERS[src.format](src, text, src.digest())
    return serialise(root)


def convert(project: Project, ids=(), force: bool = False, build_mode: bool = False) -> list[Outcome]:
    """Convert the named sources (all when ``ids`` is empty).

    ``build_mode``: skip sources whose TEI is up to date, and keep (do not
    overwrite, do not fail on) TEI files an editor changed.
    Everything is read and converted in memory first; a bad source stops the
    run before anything is written."""
    sources = manifest_mod.select(manifest_mod.load(project.manifest), ids, project.manifest)
    fp = Fingerprints(project.tei)
    plans = []
    todo = []
    for src in sources:
        name = f"{src.id}.xml"
        key = source_key(src)
        state = fp.state(name)
        if build_mode and state == "pristine" and fp.source_hash(name) == key:
            plans.append((src, name, None, key, "up-to-date"))
            continue
        if build_mode and state in ("edited", "untracked"):
            plans.append((src, name, None, key, "kept-edited"))
            continue
        if state in ("edited", "untracked") and not force:
            src.read_text()  # a bad source is reported before a refusal to overwrite
            raise TreatyError(project.tei / name, "was changed after it was generated (an editor's copy); "
                              "refusing to overwrite it. Use --force to regenerate it (a backup is kept)")
        plans.append((src, name, None, key, state))
        todo.append(len(plans) - 1)
    from .parallel import imap

    # sources are converted on every core while the finished ones are written beside
    # their targets; all are put in place together once every source has converted
    outcomes = []
    with closing(imap(render, [plans[i][0] for i in todo], "convert")) as rendered, Staged() as staged:
        for src, name, _, key, state in plans:
            path = project.tei / name
            if state in ("up-to-date", "kept-edited"):
                outcomes.append(Outcome(src.id, path, state))
                continue
            data = next(rendered)
            backup = None
            if state in ("edited", "untracked"):
                backup = fp.backup(name)
            if state == "pristine" and path.read_bytes() == data:
                status = "unchanged"
            else:
                staged.add(path, data)
                status = "replaced-edited" if backup else "written"
            fp.record(name, data, source=key)
            outcomes.append(Outcome(src.id, path, status, backup))
        staged.commit()
    fp.save()
    return outcomes
