"""Shared fixtures. The TEI P5 tei_all schema takes ~9 s to compile: once per session."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from treatytei.project import Project  # noqa: E402


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def tei_all() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(REPO / "schema" / "tei-p5" / "tei_all.rng")))


@pytest.fixture
def project(tmp_path) -> Project:
    """A throw-away copy of the edition's inputs (sources, schema, xslt) to convert into."""
    root = tmp_path / "edition"
    for folder in ("sources", "schema", "xslt"):
        if (REPO / folder).exists():
            shutil.copytree(REPO / folder, root / folder)
    (root / "tei").mkdir()
    return Project(root)


def cli_command() -> list[str]:
    """The real console entry point, as a command line."""
    exe = Path(sys.executable).with_name("treatytei")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "treatytei.cli"]


def run_cli(*args, cwd: Path) -> subprocess.CompletedProcess:
    """Run the real console entry point."""
    return subprocess.run([*cli_command(), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def copy_edition(dest: Path) -> Project:
    """The committed edition (sources, schema, stylesheets, TEI) copied to ``dest``, with
    an empty site folder: a project a test may build and change freely."""
    for folder in ("sources", "schema", "xslt", "tei"):
        shutil.copytree(REPO / folder, dest / folder)
    (dest / "site").mkdir(exist_ok=True)
    return Project(dest)


def publish_site(project: Project, state=None) -> Path:
    """The site as the build makes it: the pages (step html), then the DTS API (step dts)."""
    from treatytei import publish_dts, publish_html

    site = publish_html.publish(project, state=state)
    publish_dts.publish(project, state=state)
    return site


#: the project's schema (RELAX NG and Schematron)
RNG = REPO / "schema" / "treatytei.rng"
SCH = REPO / "schema" / "treatytei.sch"


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (the site tests, CETEIcean)."""
    from playwright.sync_api import sync_playwright
    exe = shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(exe).exists(), "Chromium is needed for the site tests: ./edition installs Debian's chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


def add_witness_d(project: Project, text: str, title: str, extra: str = "") -> None:
    """A made-up witness D of the Kyakhta treaty in ``project``: its Wikisource-style text
    written to sources/, its entry (``extra``: more TOML lines) appended to sources.toml,
    converted and enriched, ready to collate."""
    from treatytei.convert import convert
    from treatytei.enrich import enrich

    (project.root / "sources" / "d.txt").write_text(text, encoding="utf-8")
    with open(project.manifest, "a", encoding="utf-8") as fh:
        fh.write('\n[[source]]\nid = "test-witness-d"\nfile = "d.txt"\nformat = "wikisource-treaty"\n'
                 f'title = "{title}"\nscript = "Hans"\nsiglum = "D"\nwork = "kyakhta-treaty-1727"\n'
                 f'url = "https://example.org/d"\nlicence = "test"\n{extra}')
    convert(project, ["test-witness-d"])
    enrich(project)
