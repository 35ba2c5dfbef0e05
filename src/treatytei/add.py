"""``treatytei add``: bring a text into the edition the way a user does.

Copies the file into sources/ (unchanged, byte for byte), works out its format, script,
title, id and completeness from the text (each overridable), appends its ``[[source]]``
entry to sources/sources.toml (the rest of that file is left exactly as it was) and
converts it. If the conversion fails, the copy and the entry are taken back: nothing
is left half-added.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .chinese import char_class
from .errors import TreatyError
from .fileio import read_bytes, write_atomic
from .manifest import FORMATS, ID_RE, SIGLUM_RE, decode_source, load
from .project import Project

WIKIPEDIA = "https://zh.wikipedia.org/wiki/"
WIKISOURCE = "https://zh.wikisource.org/wiki/"


@dataclass
class Entry:
    id: str
    file: str
    format: str
    title: str
    script: str
    complete: bool
    url: str
    licence: str
    siglum: str | None = None
    work: str | None = None
    guessed: list[str] = field(default_factory=list)

    def toml(self) -> str:
        lines = ["[[source]]"]
        for key in ("id", "file", "format", "title", "script", "siglum", "work"):
            value = getattr(self, key)
            if value is not None:
                lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        lines.append(f"complete = {'true' if self.complete else 'false'}")
        lines.append(f"url = {json.dumps(self.url, ensure_ascii=False)}")
        lines.append(f"licence = {json.dumps(self.licence, ensure_ascii=False)}")
        if self.guessed:
            note = "Added with treatytei add; guessed from the text: " + ", ".join(self.guessed) + "."
            lines.append(f"note = {json.dumps(note, ensure_ascii=False)}")
        return "\n".join(lines) + "\n"


def detect_format(path: Path, text: str) -> str:
    if path.suffix.lower() in (".md", ".markdown"):
        return "wikipedia-markdown"
    if path.suffix.lower() == ".txt":
        return "wikisource-treaty"
    markdown_signs = len(re.findall(r"\]\([^)\s]+\)|^#{1,6}\s|^\s*[-*]\s", text, re.M))
    return "wikipedia-markdown" if markdown_signs >= 3 else "wikisource-treaty"


def detect_script(text: str) -> str:
    simplified = traditional = 0
    for c in text:
        k = char_class(c)
        if k == "S":
            simplified += 1
        elif k == "T":
            traditional += 1
    return "Hant" if traditional > simplified else "Hans"


def detect_title(fmt: str, text: str, fallback: str) -> str:
    if fmt == "wikipedia-markdown":
        m = re.search(r"本文内容由\[?([^\]\n]+?)\]?(?:\([^)]*\))?转换而来", text)
        if m:
            return m.group(1).strip()
        m = re.search(r"\*\*([^*\n]{1,40})\*\*", text)
        if m:
            from .readers.wikipedia_markdown import plain_text

            return plain_text(m.group(1)) or fallback
        m = re.search(r"^#{1,6}\s+(.+)$", text, re.M)
        return m.group(1).strip() if m else fallback
    from .readers.wikisource_treaty import _HeaderFacts, _header

    lines = [(no, line.strip()) for no, line in enumerate(text.split("\n"), 1)]
    header, start = _header(lines)
    title = _HeaderFacts(header).title
    if title:
        return title
    for _, s in lines[start:]:
        if s:
            return s[:40]
    return fallback


#: the title of a Wikisource page transcribing one page of a scanned book (Page:清史紀事本末(四).djvu/34)
PAGE_TITLE = re.compile(r"^\s*(?:Page|页面|頁面):", re.I)


def detect_complete(fmt: str, text: str) -> bool:
    """A punctuated text that does not end on a sentence's end was cut off; an
    unpunctuated one cannot tell (complete unless said otherwise); one page of a scanned
    book (Wikisource's Page: namespace) is a piece of it."""
    if fmt != "wikisource-treaty":
        return True
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if PAGE_TITLE.match(first):
        return False
    body = text.rstrip()
    marks = sum(1 for c in body if c in "。，,;；、")
    if marks * 60 < len(body):
        return True
    return body[-1:] in "。」』”！!?？)）"


def make_id(title: str, taken: set[str]) -> str:
    from pypinyin import lazy_pinyin

    words = []
    for syl in lazy_pinyin(title):
        words.extend(re.findall(r"[a-z0-9]+", syl.lower()))
    base = "-".join(words)[:60].strip("-") or "text"
    if not base[0].isalpha():
        base = "t-" + base
    sid, k = base, 1
    while sid in taken:
        k += 1
        sid = f"{base}-{k}"
    return sid


def plan(project: Project, file: Path, *, sid: str | None = None, title: str | None = None,
         fmt: str | None = None, script: str | None = None, complete: bool | None = None,
         siglum: str | None = None, work: str | None = None, url: str | None = None,
         licence: str | None = None) -> Entry:
    """What adding ``file`` would write, checked; nothing is written."""
    file = Path(file)
    if not file.is_file():
        raise TreatyError(file, "no such file")
    data = read_bytes(file)
    text = decode_source(data, file)
    sources = load(project.manifest) if project.manifest.is_file() else []
    taken = {s.id for s in sources}
    for s in sources:
        if s.file.name == file.name and s.file.resolve() != file.resolve() and read_bytes(s.file) != data:
            raise TreatyError(file, f"sources/ already has a different file named {file.name} (source '{s.id}')")
        if read_bytes(s.file) == data:
            raise TreatyError(file, f"already in the edition as source '{s.id}' (sources/{s.file.name})")
    guessed = []
    if fmt is None:
        fmt = detect_format(file, text)
        guessed.append(f"format {fmt}")
    if fmt not in FORMATS:
        raise TreatyError(file, f"unknown format '{fmt}' (known: {', '.join(FORMATS)})")
    if script is None:
        script = detect_script(text)
        guessed.append(f"script {script}")
    if title is None:
        title = detect_title(fmt, text, file.stem)
        guessed.append("title")
    if complete is None:
        complete = detect_complete(fmt, text)
        guessed.append(f"complete = {'true' if complete else 'false'}")
    if sid is None:
        sid = make_id(title, taken)
    elif sid in taken:
        raise TreatyError(project.manifest, f"id '{sid}' is already used")
    if not ID_RE.match(sid):
        raise TreatyError(file, f"id '{sid}' must be lower-case letters, digits and '-'")
    if siglum is not None and not SIGLUM_RE.match(siglum):
        raise TreatyError(file, f"siglum '{siglum}' must be a capital letter followed by letters or digits")
    if siglum and any(s.siglum == siglum and s.work == work for s in sources):
        raise TreatyError(project.manifest, f"siglum '{siglum}' is already used in work '{work}'")
    if url is None:
        url = (WIKIPEDIA if fmt == "wikipedia-markdown" else WIKISOURCE) + title.replace(" ", "_")
        guessed.append("url")
    if licence is None:
        licence = ("CC BY-SA 4.0 (Wikipedia contributors)" if fmt == "wikipedia-markdown"
                   else "public domain (as stated by its publisher; check before reuse)")
        guessed.append("licence")
    return Entry(sid, file.name, fmt, title, script, complete, url, licence, siglum, work, guessed)


def add(project: Project, file: Path, entry: Entry, converter) -> list:
    """Copy, register and convert; undo the copy and the entry if converting fails."""
    file = Path(file)
    dest = project.root / "sources" / entry.file
    manifest_before = read_bytes(project.manifest) if project.manifest.is_file() else b""
    copied = False
    if not (dest.exists() and dest.resolve() == file.resolve()):
        if dest.exists():
            raise TreatyError(dest, "already exists")
        write_atomic(dest, read_bytes(file))
        copied = True
    sep = b"" if not manifest_before or manifest_before.endswith(b"\n\n") else (b"\n" if manifest_before.endswith(b"\n") else b"\n\n")
    write_atomic(project.manifest, manifest_before + sep + entry.toml().encode("utf-8"))
    try:
        return converter([entry.id])
    except BaseException:
        write_atomic(project.manifest, manifest_before)
        if copied:
            dest.unlink(missing_ok=True)
        raise
