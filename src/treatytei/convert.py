"""Step 1: sources -> TEI. Reads the manifest, runs each source's reader, and writes
``tei/<id>.xml`` atomically -- never over a file an editor changed, unless forced
(and then a backup is kept)."""

from __future__ import annotations

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
    status: str  # written | unchanged | up-to-date | kept-edited | replaced-edited | failed
    backup: Path | None = None
    warnings: tuple[str, ...] = ()
    error: TreatyError | None = None


class ConversionErrors(TreatyError):
    """Several sources failed: one line each."""

    def __init__(self, errors: list[TreatyError]):
        self.errors = errors
        super().__init__(None, "\n".join(e.line() for e in errors) if len(errors) > 1 else errors[0].message)
        if len(errors) == 1:
            self.path = errors[0].path

    def __reduce__(self):
        return (ConversionErrors, (self.errors,))


def source_key(src: manifest_mod.Source) -> str:
    """Hash of everything the output depends on: the raw file, its manifest entry,
    and the converter version."""
    from . import __version__

    return sha256(f"{__version__}\n{src.digest()}\n{src.entry_key()}".encode())


def render(src: manifest_mod.Source, schema: str | None = None) -> tuple[bytes, list[str]]:
    """Read a source and serialise its TEI, checked before anything is written: the
    result must be valid against the project schema (an invalid result is a reader bug,
    reported as one line naming the source). Returns the bytes and the reader's
    warnings (lines it could place only as plain paragraphs, text the lossless check
    did not find)."""
    from lxml import etree

    from .lossless import check
    from .validate import relaxng

    text = src.read_text()
    try:
        reading = READERS[src.format](src, text, src.digest())
    except TreatyError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        raise TreatyError(src.file, f"the {src.format} reader failed on this file ({type(exc).__name__}: {exc}); "
                          "please report it with the file") from None
    data = serialise(reading.root)
    warnings = list(reading.warnings)
    if schema:
        doc = etree.fromstring(data)
        rng = relaxng(schema)
        if not rng.validate(doc):
            err = rng.error_log.last_error
            raise TreatyError(src.file, f"the {src.format} reader made TEI that is not valid against the "
                              f"project schema (line {err.line}: {err.message}); nothing was written. "
                              "Please report it with the file")
        miss = check(text, doc, src.format)
        if miss is not None:
            warnings.append(f"lossless check: {miss.describe()}")
    return data, warnings


def _render_job(job) -> tuple[str, object]:
    """One source in a worker: its bytes and warnings, or the error as one line, so
    that every failing source is reported, not only the first."""
    src, schema = job
    try:
        return "ok", render(src, schema)
    except TreatyError as exc:
        return "error", exc


def convert(project: Project, ids=(), force: bool = False, build_mode: bool = False,
            keep_going: bool = False) -> list[Outcome]:
    """Convert the named sources (all when ``ids`` is empty).

    ``build_mode``: skip sources whose TEI is up to date, and keep (do not
    overwrite, do not fail on) TEI files an editor changed.
    Everything is read and converted in memory first; a bad source stops the run
    before anything is written, and every bad source is named (one line each).
    ``keep_going``: write the sources that converted and return the failed ones
    as outcomes with status "failed" instead."""
    sources = manifest_mod.select(manifest_mod.load(project.manifest), ids, project.manifest)
    fp = Fingerprints(project.tei)
    schema = project.schema / "treatytei.rng"
    schema_arg = str(schema) if schema.is_file() else None
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

    # sources are converted on every core; every result is in memory before anything is
    # written, so that a bad source (all of them, named) stops the step with tei/ untouched
    results = list(imap(_render_job, [(plans[i][0], schema_arg) for i in todo], "convert"))
    errors = [r for kind, r in results if kind == "error"]
    if errors and not keep_going:
        raise ConversionErrors(errors)
    outcomes = []
    rendered = iter(results)
    with Staged() as staged:
        for src, name, _, key, state in plans:
            path = project.tei / name
            if state in ("up-to-date", "kept-edited"):
                outcomes.append(Outcome(src.id, path, state))
                continue
            kind, result = next(rendered)
            if kind == "error":
                outcomes.append(Outcome(src.id, path, "failed", error=result))
                continue
            data, warnings = result
            backup = None
            if state in ("edited", "untracked"):
                backup = fp.backup(name)
            if state == "pristine" and path.read_bytes() == data:
                status = "unchanged"
            else:
                staged.add(path, data)
                status = "replaced-edited" if backup else "written"
            fp.record(name, data, source=key)
            # the reader's output holds none of enrich's tags: forget the ones it added
            # (else enrich would take them all for an editor's removals); an editor's
            # refusals are kept
            fp.entries[name].pop("tags", None)
            outcomes.append(Outcome(src.id, path, status, backup, tuple(warnings)))
        staged.commit()
    fp.save()
    return outcomes
