"""``sources/sources.toml``: the list of source texts, checked before anything is read."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import TreatyError
from .fileio import file_sha256, read_bytes, sha256

FORMATS = ("wikisource-treaty", "wikipedia-markdown")
SCRIPTS = ("Hans", "Hant")
ID_RE = re.compile(r"^[a-z](?:[a-z0-9-]*[a-z0-9])?$")
SIGLUM_RE = re.compile(r"^[A-Z][A-Za-z0-9]*$")


#: a source larger than this is refused before it is read (its TEI would be ten times larger)
MAX_SOURCE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    id: str
    file: Path
    format: str
    title: str
    script: str
    url: str
    licence: str
    complete: bool = True
    siglum: str | None = None
    work: str | None = None
    extent: str | None = None
    note: str | None = None
    original_name: str | None = None
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def lang(self) -> str:
        return {"Hans": "zh-Hans", "Hant": "zh-Hant"}[self.script]

    def read_text(self) -> str:
        """The source as text. Defined behaviour for odd encodings: strict UTF-8 (a
        bad byte is an error naming its offset); a leading BOM is dropped; CRLF and
        lone CR become LF. Empty or whitespace-only files are errors."""
        try:
            size = self.file.stat().st_size
        except OSError:
            size = 0
        if size > MAX_SOURCE_BYTES:
            raise TreatyError(self.file, f"{size / 2**20:.0f} MB: larger than the {MAX_SOURCE_BYTES // 2**20} MB a source "
                              "may have here; split it")
        data = read_bytes(self.file)
        return decode_source(data, self.file)

    def digest(self) -> str:
        return file_sha256(self.file)

    def entry_key(self) -> str:
        """The manifest entry as text, independent of where the checkout lives."""
        fields = {k: (v.name if isinstance(v, Path) else v) for k, v in vars(self).items()}
        return repr(sorted(fields.items()))


# Characters XML 1.0 cannot hold (C0 controls other than tab, LF, CR; U+FFFE, U+FFFF)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def decode_source(data: bytes, path) -> str:
    if not data.strip():
        raise TreatyError(path, "empty file: a source must hold text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TreatyError(path, f"invalid UTF-8 at byte {exc.start}: the sources must be UTF-8") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise TreatyError(path, "empty file: a source must hold text")
    bad = _XML_ILLEGAL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise TreatyError(path, f"line {line}: character U+{ord(bad.group()):04X} cannot be stored in XML "
                          "(a control character): remove it from the source")
    return text


REQUIRED = ("id", "file", "format", "title", "script", "url", "licence")


#: manifests read in this process: resolved path -> (SHA-256 of the bytes, sources)
_LOADED: dict[str, tuple[str, list[Source]]] = {}


def load(manifest: Path) -> list[Source]:
    """The [[source]] entries of sources.toml, checked. A build reads the manifest in
    several steps: one whose bytes did not change is not parsed again (each listed
    file is still checked to exist)."""
    manifest = Path(manifest)
    data = read_bytes(manifest)
    digest = sha256(data)
    known = _LOADED.get(str(manifest.resolve()))
    if known and known[0] == digest:
        for s in known[1]:
            if not s.file.is_file():
                raise TreatyError(s.file, f"missing source file (listed for '{s.id}' in {manifest.name})")
        return list(known[1])
    sources = _parse(manifest, data)
    _LOADED[str(manifest.resolve())] = (digest, sources)
    return list(sources)


def edition_settings(manifest: Path) -> dict[str, str]:
    """The optional [edition] table of sources.toml: ``base_url``, the address the site
    is published at (http or https, ending in /), with which the site writes its
    citations as full URLs. Checked: a bad value is one line naming the file."""
    manifest = Path(manifest)
    data = read_bytes(manifest)
    try:
        doc = tomllib.loads(decode_source(data, manifest))
    except tomllib.TOMLDecodeError as exc:
        raise TreatyError(manifest, f"not valid TOML: {exc}") from None
    table = doc.get("edition", {})
    if not isinstance(table, dict):
        raise TreatyError(manifest, "[edition] is not a table")
    out = {}
    base = table.get("base_url")
    if base is not None:
        if not isinstance(base, str) or not re.match(r"^https?://[^\s/]+(/[^\s]*)?/$", base):
            raise TreatyError(manifest, f"[edition] base_url must be an http(s) address ending in '/': {base!r}")
        out["base_url"] = base
    return out


def _parse(manifest: Path, data: bytes) -> list[Source]:
    try:
        doc = tomllib.loads(decode_source(data, manifest))
    except tomllib.TOMLDecodeError as exc:
        raise TreatyError(manifest, f"not valid TOML: {exc}") from None
    entries = doc.get("source")
    if not isinstance(entries, list) or not entries:
        raise TreatyError(manifest, "no [[source]] entries")
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries, 1):
        where = f"[[source]] #{i}"
        if not isinstance(entry, dict):
            raise TreatyError(manifest, f"{where} is not a table")
        for key in REQUIRED:
            if key not in entry:
                raise TreatyError(manifest, f"{where} has no '{key}'")
            if not isinstance(entry[key], str) or not entry[key].strip():
                raise TreatyError(manifest, f"{where}: '{key}' must be a non-empty string")
        sid = entry["id"]
        if not ID_RE.match(sid):
            raise TreatyError(manifest, f"{where}: id '{sid}' must be lower-case letters, digits and '-'")
        if sid in seen:
            raise TreatyError(manifest, f"duplicate id '{sid}' in [[source]] #{seen[sid]} and #{i}")
        seen[sid] = i
        if entry["format"] not in FORMATS:
            raise TreatyError(manifest, f"source '{sid}': unknown format '{entry['format']}' (known: {', '.join(FORMATS)})")
        if entry["script"] not in SCRIPTS:
            raise TreatyError(manifest, f"source '{sid}': unknown script '{entry['script']}' (known: {', '.join(SCRIPTS)})")
        complete = entry.get("complete", True)
        if not isinstance(complete, bool):
            raise TreatyError(manifest, f"source '{sid}': 'complete' must be true or false")
        siglum = entry.get("siglum")
        if siglum is not None and (not isinstance(siglum, str) or not SIGLUM_RE.match(siglum)):
            raise TreatyError(manifest, f"source '{sid}': siglum must be a capital letter followed by letters or digits")
        rel = Path(entry["file"])
        if rel.is_absolute() or ".." in rel.parts:
            raise TreatyError(manifest, f"source '{sid}': file '{rel}' must be a path inside sources/")
        path = manifest.parent / rel
        if path.is_symlink() or path.exists():
            from .fileio import inside

            inside(manifest.parent.parent, path, "source")
        if not path.is_file():
            raise TreatyError(path, f"missing source file (listed for '{sid}' in {manifest.name})")
        known = set(REQUIRED) | {"complete", "siglum", "work", "extent", "note", "original_name"}
        sources.append(
            Source(
                id=sid,
                file=path,
                format=entry["format"],
                title=entry["title"],
                script=entry["script"],
                url=entry["url"],
                licence=entry["licence"],
                complete=complete,
                siglum=siglum,
                work=entry.get("work"),
                extent=entry.get("extent"),
                note=entry.get("note"),
                original_name=entry.get("original_name"),
                extra={k: v for k, v in entry.items() if k not in known},
            )
        )
    sigla: dict[tuple, str] = {}
    for s in sources:
        if s.siglum:
            key = (s.work, s.siglum)
            if key in sigla:
                raise TreatyError(manifest, f"siglum '{s.siglum}' used twice in work '{s.work}' ('{sigla[key]}', '{s.id}')")
            sigla[key] = s.id
    return sources


def select(sources: list[Source], ids: tuple[str, ...] | list[str], manifest: Path) -> list[Source]:
    if not ids:
        return sources
    by_id = {s.id: s for s in sources}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise TreatyError(manifest, f"no source with id {', '.join(repr(u) for u in unknown)} (known: {', '.join(by_id)})")
    return [by_id[i] for i in ids]
