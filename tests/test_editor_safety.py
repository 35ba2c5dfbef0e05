"""An editor's file is sacred, and a hostile file stays out: minimal edits, decisions
that stick, one hardened way into XML, no aborts."""

from __future__ import annotations

import http.server
import re
import shutil
import threading

import pytest

from conftest import REPO, cli_command, run_cli
from treatytei.convert import convert
from treatytei.enrich import enrich
from treatytei.fileio import Fingerprints

A = "kyakhta-treaty-1727"
NEW_TAGS = re.compile(rb"</?(?:persName|placeName|orgName|roleName|date|title)(?:\s[^>]*)?>")


@pytest.fixture
def converted(project):
    shutil.copy(REPO / "tei" / "register.xml", project.tei / "register.xml")
    convert(project, [A])
    return project


def _odd_edit(path):
    """What editors' files hold: comments and PIs outside and inside the root, CDATA,
    character references, single-quoted attributes, odd spacing in tags."""
    data = path.read_bytes()
    data = data.replace(b"<TEI ", b"<!-- checked by Z.W., 2026-11-20 -->\n<?oxygen RNGSchema='x'?>\n<TEI  ", 1)
    data = data.replace('雍正五年九月初七日,理藩院尚書'.encode(), '雍正五年九月初七日,理藩院尚&#x66F8;'.encode(), 1)
    data = data.replace('<div type="article" n="1"'.encode(), "<div   type='article' n='1'".encode(), 1)
    data = data.replace('一、</label>'.encode(), '一、</label><![CDATA[自議定]]>'.encode(), 1)
    data = data.replace('<label type="numbering">一、</label><![CDATA[自議定]]>自議定之日起'.encode(),
                        '<label type="numbering">一、</label><![CDATA[自議定]]>之日起'.encode(), 1)
    data = data.replace(b"</body>", b"<!-- TODO: article 4 --></body>", 1)
    data = data.rstrip(b"\n") + b"\n<!-- end of file -->\n"
    path.write_bytes(data)
    return data


def test_enrich_changes_only_what_it_adds(converted):
    path = converted.tei / f"{A}.xml"
    before = _odd_edit(path)
    out = enrich(converted, [path])
    after = path.read_bytes()
    assert out[0][1] >= 40                                  # it did tag names and dates
    assert after != before
    # take the new tags out again: the editor's file, byte for byte
    assert NEW_TAGS.sub(b"", after) == NEW_TAGS.sub(b"", before)
    assert b"&#x66F8;" in after and b"<![CDATA[" in after and b"<?oxygen RNGSchema='x'?>" in after
    assert b"<!-- end of file -->" in after and b"<div   type='article' n='1'" in after
    assert not list((converted.tei / ".backup").glob("*")) if (converted.tei / ".backup").exists() else True


def test_an_editors_removal_of_an_automatic_tag_sticks(converted):
    path = converted.tei / f"{A}.xml"
    enrich(converted, [path])
    data = path.read_bytes()
    tag = re.search(rb'<persName ref="#([a-z-]+)">(\xe4\xbc\x8a\xe7\xab\x8b\xe7\xa6\xae)</persName>', data)
    assert tag, "伊立禮 is tagged"
    removed = data.replace(tag.group(0), tag.group(2), 1)      # the editor unwraps the first one
    path.write_bytes(removed)
    enrich(converted, [path])
    # not put back: the decision is written into the file (so it travels with it), and
    # nothing else changed
    marked = data.replace(tag.group(0), b'<seg type="not-name">' + tag.group(2) + b"</seg>", 1)
    assert path.read_bytes() == marked
    # with the fingerprints gone (the file sent elsewhere and back), the mark still holds
    (converted.tei / ".fingerprints.json").unlink()
    enrich(converted, [path])
    assert path.read_bytes() == marked
    removed = marked
    enrich(converted, [path])
    r = run_cli("build", "--skip", "pdf", "--skip", "html", "--skip", "package", cwd=converted.root)
    assert r.returncode == 0, r.stderr
    assert path.read_bytes() == removed
    # a tag the editor adds stays
    added = removed.replace("俄官".encode(), '<roleName ref="#role-envoy">俄官</roleName>'.encode(), 1)
    path.write_bytes(added)
    enrich(converted, [path])
    assert path.read_bytes() == added


def test_enriching_again_refuses_nothing(converted):
    """A tag's key does not depend on the tags around it: enriching an enriched file
    finds every tag where it was, and takes none of them for an editor's removal."""
    path = converted.tei / f"{A}.xml"
    enrich(converted, [path])
    first = dict(Fingerprints(converted.tei).entries[f"{A}.xml"])
    assert len(first["tags"]) >= 40 and not first["refused"]
    enrich(converted, [path])
    enrich(converted, [path])
    again = Fingerprints(converted.tei).entries[f"{A}.xml"]
    assert again["tags"] == first["tags"] and not again["refused"]


def test_converting_again_then_enriching_tags_everything_again(converted):
    path = converted.tei / f"{A}.xml"
    enrich(converted, [path])
    enriched = path.read_bytes()
    enrich(converted, [path])                                  # as every build does
    convert(converted, [A])                                    # the reader's output, tags gone
    assert path.read_bytes() != enriched
    enrich(converted, [path])
    assert path.read_bytes() == enriched


def test_a_cut_the_splice_cannot_make_keeps_a_backup_and_says_so(converted):
    path = converted.tei / f"{A}.xml"
    data = path.read_bytes().replace("在恰克圖議定".encode(), "在<![CDATA[恰克圖議]]>定".encode(), 1)
    path.write_bytes(data)
    r = run_cli("enrich", str(path), cwd=converted.root)
    assert r.returncode == 0, r.stderr
    assert "backup:" in r.stderr
    backups = list((converted.tei / ".backup").glob(f"{A}.*.xml"))
    assert len(backups) == 1 and backups[0].read_bytes() == data


# ------------------------------------------------------------------ hostile files

class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):   # noqa: N802
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<!ENTITY x 'pwned'>")

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    _Recorder.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


HOSTILE = """<?xml version="1.0" encoding="{enc}"?>
<!DOCTYPE TEI [
  <!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/dtd">
  %remote;
  <!ENTITY passwd SYSTEM "file:///etc/passwd">
  <!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
]>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="evil" xml:lang="en"><teiHeader/><text><body><p>&passwd;&lol2;</p></body></text></TEI>
"""


@pytest.mark.slow
@pytest.mark.parametrize("enc,codec", [("UTF-8", "utf-8"), ("UTF-8", "utf-8-sig"), ("UTF-16", "utf-16"),
                                       ("UTF-16LE", "utf-16-le"), ("UTF-16BE", "utf-16-be"), ("UTF-32", "utf-32")])
def test_entities_refused_in_every_encoding_and_nothing_fetched(converted, listener, enc, codec):
    bad = converted.tei / f"{A}.xml"        # an edition text replaced by a hostile file
    bad.write_bytes(HOSTILE.format(enc=enc, port=listener).encode(codec))
    r = run_cli("validate", str(bad), cwd=converted.root)
    assert r.returncode == 1 and "entity declarations" in r.stdout and "Traceback" not in r.stderr
    for cmd in (("publish", "html"), ("publish", "pdf")):
        r = run_cli(*cmd, cwd=converted.root)
        assert r.returncode == 1 and f"{A}.xml" in r.stderr and r.stderr.count("\n") == 1, r.stderr
    r = run_cli("build", cwd=converted.root)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert not (converted.root / "site").exists() or "root:" not in "".join(
        p.read_text(errors="replace") for p in (converted.root / "site").rglob("*.html"))
    assert _Recorder.hits == []


def test_a_utf16_tei_file_is_read_but_not_published(converted):
    path = converted.tei / f"{A}.xml"
    text = path.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
    path.write_bytes(text.encode("utf-16"))
    r = run_cli("validate", str(path), cwd=converted.root)
    assert r.returncode == 0, r.stdout
    r = run_cli("publish", "html", cwd=converted.root)
    assert r.returncode == 1 and "not in UTF-8" in r.stderr


@pytest.mark.slow
@pytest.mark.parametrize("value", ["", " ", "1abc", "a b", "x:y"])
def test_a_bad_xml_id_is_one_line_not_an_abort(converted, value):
    path = converted.tei / f"{A}.xml"
    path.write_bytes(path.read_bytes().replace(f'xml:id="{A}-preamble"'.encode(), f'xml:id="{value}"'.encode(), 1))
    r = run_cli("validate", cwd=converted.root)
    assert r.returncode == 1, (r.returncode, r.stderr[-300:])
    assert "terminate called" not in r.stderr and "Traceback" not in r.stderr
    assert "xml:id" in r.stdout
    r = run_cli("build", "--skip", "pdf", cwd=converted.root)
    assert r.returncode == 1 and "terminate called" not in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_an_editors_note_in_a_paragraph_is_published(converted):
    from treatytei.publish_html import publish
    from treatytei.publish_pdf import body_parts

    path = converted.tei / f"{A}.xml"
    path.write_bytes(path.read_bytes().replace("在恰克圖議定".encode(),
                     "在恰克圖<note>Kyakhta: the 1727 meeting place, on the Selenga road.</note>議定".encode(), 1))
    site = publish(converted)
    page = (site / f"{A}.html").read_text(encoding="utf-8")
    assert "Kyakhta: the 1727 meeting place, on the Selenga road." in page and "ed-note-inline" in page
    printed = "".join(html for _, html in body_parts(converted))
    assert "按：Kyakhta: the 1727 meeting place" in printed


@pytest.mark.parametrize("where", ["tei", "sources", "asset", "schema"])
def test_links_leading_out_of_the_edition_are_refused(converted, tmp_path, where):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:secret\n", encoding="utf-8")
    if where == "tei":
        (converted.tei / "stolen.xml").symlink_to(secret)
        cmd = ("validate",)
    elif where == "sources":
        src = converted.root / "sources" / "zh-wikisource-kyakhta-treaty-1727.txt"
        src.unlink()
        src.symlink_to(secret)
        cmd = ("convert", "--force")
    elif where == "asset":
        (converted.xslt / "html" / "assets" / "x.css").symlink_to(secret)
        cmd = ("publish", "html")
    else:
        (converted.root / "schema" / "extra.rnc").symlink_to(secret)
        cmd = ("validate",)
    r = run_cli(*cmd, cwd=converted.root)
    assert r.returncode == 1 and "refused" in r.stderr and r.stderr.count("\n") == 1, r.stderr
    site = converted.root / "site"
    assert not site.exists() or "secret" not in "".join(p.read_text(errors="replace") for p in site.rglob("*") if p.is_file())


def test_file_names_with_spaces_and_other_scripts_are_not_duplicates_of_themselves(converted):
    src = converted.tei / f"{A}.xml"
    for name, prefix in (("my copy.xml", "copy-"), ("名前.xml", "name-")):
        text = src.read_text(encoding="utf-8").replace(f'xml:id="{A}', f'xml:id="{prefix}{A}')
        (converted.tei / name).write_text(text, encoding="utf-8")
    r = run_cli("validate", cwd=converted.root)
    assert r.returncode == 0 and "also used in" not in r.stdout, r.stdout


# ------------------------------------------------------------------ whole outputs, clean ends

import os          # noqa: E402
import signal      # noqa: E402
import subprocess  # noqa: E402
import sys         # noqa: E402
import time        # noqa: E402


def _exe():
    return cli_command()


def _many_sources(project, n=40):
    src = project.root / "sources"
    text = (src / "zh-wikisource-khalkha-trade-treaty-1727.txt").read_text(encoding="utf-8")
    with project.manifest.open("a", encoding="utf-8") as fh:
        for i in range(n):
            (src / f"copy{i}.txt").write_text(text.replace("恰克图", f"恰克图{i}"), encoding="utf-8")
            fh.write(f'\n[[source]]\nid = "copy-{i}"\nfile = "copy{i}.txt"\nformat = "wikisource-treaty"\n'
                     f'title = "副本{i}"\nscript = "Hans"\nurl = "https://x.org/{i}"\nlicence = "pd"\n')


def test_a_file_too_large_to_parse_is_refused_up_front(converted):
    big = converted.tei / "huge.xml"
    with big.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)       # 200 MB (sparse: nothing is read)
    r = run_cli("validate", str(big), cwd=converted.root)
    assert r.returncode == 1 and "200 MB" in r.stdout and "split it" in r.stdout


@pytest.mark.slow
def test_the_lock_survives_deleting_build(converted):
    _many_sources(converted, 30)
    first = subprocess.Popen([*_exe(), "build", "--skip", "pdf", "--skip", "html"], cwd=converted.root,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(200):
            if (converted.root / "build" / ".lock").exists():
                break
            time.sleep(0.05)
        shutil.rmtree(converted.root / "build", ignore_errors=True)
        r = run_cli("convert", cwd=converted.root)
        assert r.returncode == 1 and "another treatytei run" in r.stderr
    finally:
        first.communicate(timeout=300)


@pytest.mark.slow
def test_dist_is_replaced_as_one_set(converted, monkeypatch):
    """A build that fails after the PDF was made leaves dist/ as the last build left it."""
    from treatytei import pipeline
    from treatytei.project import Project

    project = Project(converted.root)
    pipeline.build(project, skip=("html",), say=lambda m: None)
    before = {p.relative_to(project.dist): p.read_bytes() for p in project.dist.rglob("*") if p.is_file()}
    assert "treatytei-edition.pdf" in {str(p) for p in before}
    path = project.tei / f"{A}.xml"
    path.write_bytes(path.read_bytes().replace("兩國".encode(), "兩国".encode(), 1))   # a change the PDF shows

    import treatytei.package as package_mod

    def boom(*a, **k):
        raise RuntimeError("killed")
    monkeypatch.setattr(package_mod, "package", boom)
    with pytest.raises(RuntimeError):
        pipeline.build(project, skip=("html",), say=lambda m: None)
    after = {p.relative_to(project.dist): p.read_bytes() for p in project.dist.rglob("*") if p.is_file()}
    assert after == before                      # the new PDF did not come without its bag
    assert not list(project.root.glob(".dist-staging-*"))
    assert oct(project.dist.stat().st_mode & 0o777) == "0o755"


def _interruptible():
    """For a child the test will interrupt: SIGINT as a terminal would deliver it, even
    when the tests themselves run where it is ignored (a background job, some CI runners),
    which a child would inherit."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _workers_of(pid: int, want: int = 2) -> list[int]:
    """The child processes of ``pid`` once it has started ``want`` of them (or none)."""
    for _ in range(300):
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        if len(out) >= want:
            return [int(c) for c in out]
        time.sleep(0.05)
    return []


@pytest.mark.slow
def test_workers_die_with_their_parent_and_ctrl_c_is_one_line(converted):
    _many_sources(converted, 40)
    env = dict(os.environ, TREATYTEI_JOBS="2")
    p = subprocess.Popen([*_exe(), "build", "--skip", "pdf"], cwd=converted.root, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                         preexec_fn=_interruptible)
    children = _workers_of(p.pid)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode != 0
    assert "Traceback" not in err, err[-2000:]
    assert [ln for ln in err.splitlines() if ln.startswith("treatytei:")][-1:] and \
        "interrupted" in [ln for ln in err.splitlines() if ln.startswith("treatytei:")][-1]
    # and with kill -9: the workers go too
    p = subprocess.Popen([*_exe(), "build", "--skip", "pdf", "--clean"], cwd=converted.root, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    children = _workers_of(p.pid)
    p.kill()
    p.communicate(timeout=60)
    time.sleep(1.0)
    alive = [c for c in children if os.path.exists(f"/proc/{c}") and "zombie" not in open(f"/proc/{c}/status").read().lower()]
    assert children and not alive


@pytest.mark.slow
def test_serve_errors_are_one_line(converted):
    from treatytei.publish_html import publish
    import socket
    import urllib.request
    import urllib.error

    publish(converted)
    r = run_cli("serve", "--port", "80000", cwd=converted.root)
    assert r.returncode != 0 and "Traceback" not in r.stderr
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    r = run_cli("serve", "--port", str(port), cwd=converted.root)
    busy.close()
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "cannot serve" in r.stderr
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    free = sock.getsockname()[1]
    sock.close()
    srv = subprocess.Popen([*_exe(), "serve", "--port", str(free)], cwd=converted.root,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_interruptible)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{free}/index.html", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(f"http://127.0.0.1:{free}/%00", timeout=2)
        assert info.value.code in (400, 404)
    finally:
        srv.send_signal(signal.SIGINT)
        _, err = srv.communicate(timeout=20)
    assert "Traceback" not in err
    assert oct((converted.root / "site").stat().st_mode & 0o777) == "0o755"


@pytest.mark.slow
def test_fuzzing_slice_no_traceback_abort_hang_or_invalid_file():
    """A derandomised slice of benchmarks/fuzz.py (which runs 10,000 cases and more)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import fuzz
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    counts = fuzz.main(300, 2026, verbose=False)
    assert counts["cases"] == 300 and counts["accepted"] > 50 and counts["refused"] > 50
    for k in ("tracebacks", "aborts", "hangs", "invalid_written", "lossy", "valid_but_refused"):
        assert counts[k] == 0, (k, counts)


def test_a_reader_that_makes_invalid_tei_writes_nothing(project, monkeypatch):
    """convert validates what a reader made before writing: a reader bug is one line
    naming the source, and tei/ stays as it was."""
    from treatytei import readers
    from treatytei.errors import TreatyError
    from treatytei.tei import E

    real = readers.READERS["wikisource-treaty"]

    def broken(source, text, digest):
        reading = real(source, text, digest)
        reading.root.find("{*}text/{*}body").append(E("div", type_="no-such-type"))
        return reading

    monkeypatch.setitem(readers.READERS, "wikisource-treaty", broken)
    before = sorted(p.name for p in project.tei.iterdir())
    with pytest.raises(TreatyError) as info:
        convert(project)
    assert "not valid against the project schema" in str(info.value) and "sources/" in str(info.value)
    assert sorted(p.name for p in project.tei.iterdir()) == before


def test_the_editions_memory_of_tags_matches_its_files():
    """What tei/.fingerprints.json remembers as added is what the files hold, and no
    refusal is recorded that an editor did not make (this edition has none yet)."""
    from treatytei.enrich import tag_keys
    from treatytei.tei import parse_file

    fp = Fingerprints(REPO / "tei")
    for name, entry in fp.entries.items():
        if "tags" not in entry:
            continue
        held = tag_keys(parse_file(REPO / "tei" / name).getroot())
        assert set(entry["tags"]) <= held, name
        assert not entry.get("refused"), name


def test_a_longer_name_learnt_later_takes_the_place_of_the_shorter_tag(converted):
    """The names loop: a name the register learns after a text was tagged (駐劄大臣 after
    大臣) is tagged whole at the next enrichment -- the step's own shorter tag inside it
    goes; the same tag made by an editor is left."""
    from treatytei.names_propose import COLUMNS

    path = converted.tei / f"{A}.xml"
    enrich(converted, [path])
    data = path.read_text(encoding="utf-8")
    # a tag the step made whose text runs on in Han characters: with them, a longer name
    m = re.search(r'<(persName|placeName|orgName|roleName) ref="#([a-z-]+)">([\u3400-\u9fff]{2,})</\1>([\u3400-\u9fff]{2})', data)
    assert m, "a tag followed by Han text"
    longer = m.group(3) + m.group(4)
    # the editor writes the same words, tagged the same way, right after them
    edited = data.replace(m.group(0), m.group(0) + "；" + m.group(0), 1)
    path.write_text(edited, encoding="utf-8")
    review = converted.root / "review.tsv"
    row = {"decision": "yes", "surface": longer, "type": "office", "entry": "role-test-longer", "status": "new"}
    review.write_text("\t".join(COLUMNS) + "\n" + "\t".join(row.get(c, "") for c in COLUMNS) + "\n", encoding="utf-8")
    r = run_cli("names", "accept", str(review), cwd=converted.root)
    assert r.returncode == 0, r.stderr
    enrich(converted, [path])
    new_tag = f'<roleName ref="#role-test-longer">{longer}</roleName>'
    # the step's tag gave way to the longer name, the editor's stayed; nothing else changed
    assert path.read_text(encoding="utf-8") == edited.replace(m.group(0) + "；", new_tag + "；", 1)


def test_ctrl_c_while_the_pool_takes_its_jobs_waits_until_the_workers_are_started():
    """The pool starts its workers while it takes the jobs: Ctrl-C then is raised only once
    every worker has read what to run (a worker cut off halfway through its start prints
    the traceback of its broken pipe: the flake of the test above, under load)."""
    from treatytei.parallel import _interrupt_deferred

    reached_end = False
    with pytest.raises(KeyboardInterrupt):
        with _interrupt_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)           # the handler has run by now
            reached_end = True
    assert reached_end
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
