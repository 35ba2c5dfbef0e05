"""Robustness: random and mutated sources and TEI never make a traceback -- either valid
TEI or one clear error, and never a partial file -- plus a corpus of nasty real-world
input (huge lines, deep nesting, unusual Unicode). Property tests run derandomized, so
CI sees the same examples every time, in bounded time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import REPO
from treatytei.convert import convert
from treatytei.errors import TreatyError
from treatytei.project import Project
from treatytei.tei import body_blocks, parse_file
from treatytei.validate import validate, validate_file

NASTY = REPO / "tests" / "nasty"
RNG = REPO / "schema" / "treatytei.rng"
SCH = REPO / "schema" / "treatytei.sch"
A_TEXT = (REPO / "sources" / "zh-wikisource-kyakhta-treaty-1727.txt").read_text(encoding="utf-8")
W_TEXT = (REPO / "sources" / "zh-wikipedia-tacheng-protocol-1864.md").read_text(encoding="utf-8")
A_TEI = (REPO / "tei" / "kyakhta-treaty-1727.xml").read_bytes()

FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

_SCHEMA = None


def schema() -> etree.RelaxNG:
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = etree.RelaxNG(etree.parse(str(RNG)))
    return _SCHEMA


def one_source_project(tmp: Path, name: str, data: bytes, fmt: str) -> Project:
    root = tmp / "p"
    if root.exists():
        shutil.rmtree(root)
    (root / "sources").mkdir(parents=True)
    (root / "tei").mkdir()
    (root / "sources" / name).write_bytes(data)
    (root / "sources" / "sources.toml").write_text(
        f'[[source]]\nid = "s"\nfile = "{name}"\nformat = "{fmt}"\ntitle = "t"\nscript = "Hans"\n'
        f'url = "https://example.org/s"\nlicence = "test"\ncomplete = false\n', encoding="utf-8")
    return Project(root)


def convert_or_clear_error(project: Project) -> None:
    """The property: a valid TEI file, or a TreatyError with a one-line message and
    nothing written."""
    try:
        convert(project)
    except TreatyError as exc:
        assert "\n" not in exc.line() and exc.line().strip()
        assert [p for p in project.tei.iterdir()] == []            # nothing written, no temp files
        return
    out = project.tei / "s.xml"
    doc = etree.parse(str(out))
    assert schema().validate(doc), str(schema().error_log)
    assert not [p for p in project.tei.iterdir() if p.name.endswith(".tmp")]


# characters a hostile or broken source may hold
ALPHABET = st.sampled_from(list("一二三、，,。;：\n\n\n 　條約恰克圖鄂博[]()#*-|>\\!_`") +
                           ["\u0301", "𠀀", "\ue000", "ש", "\u202e", "\t", "\r", "\ufeff", "\x00", "\x07", "\ud7ff"])
TEXTS = st.lists(ALPHABET, max_size=300).map("".join)


def mutate(base: str):
    """Random cuts, insertions and duplications of a real source."""
    @st.composite
    def build(draw):
        s = base
        for _ in range(draw(st.integers(1, 6))):
            op = draw(st.sampled_from(["cut", "insert", "dup", "truncate"]))
            i = draw(st.integers(0, max(0, len(s) - 1)))
            j = draw(st.integers(i, min(len(s), i + 200)))
            if op == "cut":
                s = s[:i] + s[j:]
            elif op == "insert":
                s = s[:i] + draw(TEXTS) + s[i:]
            elif op == "dup":
                s = s[:j] + s[i:j] + s[j:]
            else:
                s = s[:j]
        return s
    return build()


@FUZZ
@given(text=st.one_of(TEXTS, mutate(A_TEXT)))
def test_wikisource_reader_never_crashes(tmp_path, text):
    convert_or_clear_error(one_source_project(tmp_path, "s.txt", text.encode("utf-8", "surrogatepass"), "wikisource-treaty"))


@FUZZ
@given(text=st.one_of(TEXTS, mutate(W_TEXT)))
def test_markdown_reader_never_crashes(tmp_path, text):
    convert_or_clear_error(one_source_project(tmp_path, "s.md", text.encode("utf-8", "surrogatepass"), "wikipedia-markdown"))


@FUZZ
@given(data=st.binary(max_size=200))
def test_random_bytes_as_source(tmp_path, data):
    convert_or_clear_error(one_source_project(tmp_path, "s.txt", data, "wikisource-treaty"))


@FUZZ
@given(cuts=st.lists(st.tuples(st.integers(0, len(A_TEI) - 1), st.integers(0, 40), st.binary(max_size=8)), min_size=1, max_size=4))
def test_validate_never_crashes_on_mutated_tei(tmp_path, cuts):
    data = bytearray(A_TEI)
    for at, length, insert in cuts:
        data[at:at + length] = insert
    path = tmp_path / "m.xml"
    path.write_bytes(bytes(data))
    problems = validate_file(path, RNG, SCH, "m.xml")        # returns problems, never raises
    for p in problems:
        assert p.line >= 1 and p.col >= 1 and "\n" not in p.message


# ------------------------------------------------------------------ the nasty corpus

@pytest.mark.parametrize("name,fmt", [("huge-line.txt", "wikisource-treaty"), ("unicode.txt", "wikisource-treaty"),
                                      ("unicode.md", "wikipedia-markdown"), ("many-articles.txt", "wikisource-treaty")])
def test_nasty_sources_convert_losslessly(tmp_path, name, fmt):
    data = (NASTY / name).read_bytes()
    project = one_source_project(tmp_path, name, data, fmt)
    convert(project)
    root = parse_file(project.tei / "s.xml").getroot()
    assert schema().validate(etree.ElementTree(root)), str(schema().error_log)
    if fmt == "wikisource-treaty":
        lines = [l for l in data.decode("utf-8").split("\n") if l.strip()][3:]
        assert list(body_blocks(root)) == lines
    if name == "many-articles.txt":
        assert len(root.xpath("//*[local-name()='div'][@type='article']")) == 2000


def test_nasty_sources_enrich_validate_and_publish(tmp_path):
    """Unusual Unicode goes through the whole pipeline."""
    from conftest import copy_edition
    from treatytei.enrich import enrich
    from treatytei.publish_html import publish
    ed = copy_edition(tmp_path / "ed")
    shutil.copy(NASTY / "unicode.txt", ed.root / "sources" / "unicode.txt")
    with open(ed.manifest, "a", encoding="utf-8") as fh:
        fh.write('\n[[source]]\nid = "nasty-unicode"\nfile = "unicode.txt"\nformat = "wikisource-treaty"\n'
                 'title = "測試"\nscript = "Hant"\nurl = "https://example.org/u"\nlicence = "test"\n')
    convert(ed, ["nasty-unicode"])
    enrich(ed, [ed.tei / "nasty-unicode.xml"])
    assert [p for p in validate([ed.tei / "nasty-unicode.xml"], RNG, SCH) if p.severity == "error"] == []
    site = publish(ed)
    page = (site / "nasty-unicode.html").read_text(encoding="utf-8")
    assert "𠀀𠀁𪚥" in page and "שלום" in page and "e\u0301" in page


def test_deep_nesting_is_a_clear_error():
    problems = validate_file(NASTY / "deep-nesting.xml", RNG, SCH, "deep-nesting.xml")
    assert len(problems) == 1 and problems[0].rule == "xml"
    assert "depth" in problems[0].message.lower()


def test_control_character_in_source_is_named(tmp_path):
    project = one_source_project(tmp_path, "s.txt", "条约 甲 清朝\n甲、乙\n1727年10月21日\n\n一、正\x07文。\n".encode(), "wikisource-treaty")
    with pytest.raises(TreatyError, match=r"line 5: character U\+0007 cannot be stored in XML"):
        convert(project)
    assert list(project.tei.iterdir()) == []


def test_staged_writes_all_or_none(tmp_path):
    """Files staged on the writing threads are put in place all together -- or, when
    one cannot be written, none is, and no temporary file is left."""
    from treatytei.fileio import Staged

    (tmp_path / "old.xml").write_bytes(b"old")
    (tmp_path / "blocker").write_bytes(b"a file where a folder is wanted")
    targets = [tmp_path / f"t{i}.xml" for i in range(40)]
    with pytest.raises(OSError):
        with Staged() as staged:
            for i, t in enumerate(targets):
                staged.add(t, b"new %d" % i)
                if i == 25:   # this one cannot be written: its folder is a file
                    staged.add(tmp_path / "blocker" / "x.xml", b"never")
            staged.add(tmp_path / "old.xml", b"replaced")
            staged.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker", "old.xml"]
    assert (tmp_path / "old.xml").read_bytes() == b"old"
    with Staged() as staged:
        for i, t in enumerate(targets):
            staged.add(t, b"new %d" % i)
        staged.commit()
    assert [t.read_bytes() for t in targets] == [b"new %d" % i for i in range(40)]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_second_run_on_the_same_edition_stops_with_one_clear_line(project):
    """While one run holds the edition, another writing command stops at once, names
    the running process and writes nothing; afterwards it runs."""
    import os

    from conftest import run_cli
    from treatytei.runlock import edition_lock

    with edition_lock(project.root):
        r = run_cli("convert", cwd=project.root)
        assert r.returncode == 1
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and "build/.lock" in lines[0]
        assert f"another treatytei run is working on this edition (process {os.getpid()})" in lines[0]
        assert not list(project.tei.iterdir())
        with pytest.raises(TreatyError):   # the lock is taken by this process's own run too
            with edition_lock(project.root):
                pass
    r = run_cli("convert", cwd=project.root)
    assert r.returncode == 0, r.stderr
    assert (project.tei / "kyakhta-treaty-1727.xml").exists()


def test_what_a_killed_run_left_is_cleared(project, tmp_path):
    """Temporary files and folders of a killed run go; anything else stays, and so do
    the scratch folders of runs still alive."""
    import os
    import subprocess

    from treatytei.runlock import NEUTRAL_PREFIX, sweep

    root = project.root
    dead = subprocess.Popen(["true"])   # a process id no longer alive
    dead.wait()
    scratch = tmp_path / "shm"
    debris = [root / "tei" / ".kyakhta-treaty-1727.xml.k2x_9q0a.tmp", root / "build" / "html" / "info" / ".a.xml.json.4242.tmp",
              root / ".site-ab12cd34", root / ".site-pages-zz99yy88", root / ".site-old-q1w2e3r4",
              root / "dist" / ".bag-0a1b2c3d", root / "dist" / ".treatytei-bag-old",
              scratch / f"{NEUTRAL_PREFIX}{dead.pid}-abcdefgh"]
    kept = [root / "tei" / "notes.txt", root / "tei" / ".notes.tmp", root / ".site-notes", root / "dist" / ".bag-mine",
            scratch / f"{NEUTRAL_PREFIX}{os.getpid()}-abcdefgh", scratch / ".neutral-abcdefgh"]
    for p in debris + kept:
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.suffix in (".tmp", ".txt"):
            p.write_bytes(b"x")
        else:
            (p / "inside").mkdir(parents=True)
    assert sweep(root, scratch) == sorted(debris)
    assert not any(p.exists() for p in debris) and all(p.exists() for p in kept)


def test_a_files_hash_is_remembered_only_while_it_is_unchanged(tmp_path, monkeypatch):
    """Steps share the hashes of files that did not change; any change is seen, and a
    file changed just now is hashed again each time (two changes within one tick of
    the file clock leave its times as they were)."""
    import os
    import time

    from treatytei import fileio

    reads = []
    real = fileio.read_bytes
    monkeypatch.setattr(fileio, "read_bytes", lambda p: reads.append(p) or real(p))
    f = tmp_path / "a.xml"
    f.write_bytes(b"<a>1</a>")
    assert fileio.file_sha256(f) == fileio.file_sha256(f) == fileio.sha256(b"<a>1</a>")
    assert len(reads) == 2                      # just written: not remembered
    monkeypatch.setattr(fileio, "_SETTLED_NS", 0)
    time.sleep(0.05)
    reads.clear()
    assert fileio.file_sha256(f) == fileio.file_sha256(f) == fileio.sha256(b"<a>1</a>")
    assert len(reads) == 1                      # settled: read once
    time.sleep(0.05)
    f.write_bytes(b"<a>2</a>")                  # the same size, in place
    assert fileio.file_sha256(f) == fileio.sha256(b"<a>2</a>")
    time.sleep(0.05)
    g = tmp_path / "b.xml"
    g.write_bytes(b"<a>3</a>")
    os.replace(g, f)                            # another file put in its place
    assert fileio.file_sha256(f) == fileio.sha256(b"<a>3</a>")
    f.unlink()
    with pytest.raises(TreatyError):
        fileio.file_sha256(f)
