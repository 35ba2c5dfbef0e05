"""The build: every step in order, over one pool of worker processes, with dist/
swapped in as one set at the end.

The steps: convert -> enrich -> collate -> validate -> pdf -> html -> dts -> package. Each
skips work whose inputs did not change since the last build (content hashes in
build/state.json). The print edition and the deposit bag and zip are written into a
staged copy of dist/ (unchanged files hard-linked) that replaces dist/ in one atomic
exchange when the build ends, so dist/ always holds one build's set: a build that is
killed or fails leaves the previous set whole."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from .errors import TreatyError
from .project import Project

STAGED_DIST_PREFIX = ".dist-staging-"
#: a step that adds to a publication's output is skipped with it
SKIPPED_WITH = {"dts": "html"}


def _rel(path: Path, project: Project) -> str:
    try:
        return str(Path(path).resolve().relative_to(project.root.resolve()))
    except ValueError:
        return str(path)


def _default_say(msg: str) -> None:
    print(msg, file=sys.stderr)


def run_validation(project: Project, state=None, say: Callable = _default_say) -> None:
    """The build's validation step: fails the build on any error."""
    from .validate import report, validate as run

    paths = project.tei_files()
    problems = run(paths, project.schema / "treatytei.rng", project.schema / "treatytei.sch", project.root, state=state)
    for p in problems:
        say("  " + p.line_text())
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise TreatyError(errors[0].file, f"invalid TEI: {len(errors)} error(s) in "
                          f"{len({p.file for p in errors})} file(s); see above (treatytei validate)")
    say("  " + report(problems, len(paths)).split("\n")[-1])


def steps(project: Project, state=None, keep_going: bool = False, failed: list | None = None,
          say: Callable = _default_say):
    """The build, in order: (name, function). Each step skips work whose inputs did not
    change since the last build (content hashes in build/state.json)."""
    from .convert import convert as run_convert

    failed = [] if failed is None else failed

    def do_convert():
        for o in run_convert(project, build_mode=True, keep_going=keep_going):
            for w in o.warnings:
                say(f"  warning: {o.id}: {w}")
            if o.status == "failed":
                failed.append(o)
                say(f"  FAILED {o.error.line()}")
                continue
            if o.status == "kept-edited":
                say(f"  keeping {o.path.relative_to(project.root)}: edited by hand since conversion "
                     "(treatytei convert --force regenerates it)")
            elif o.status != "up-to-date":
                say(f"  {o.status} {o.path.relative_to(project.root)}")

    def do_enrich():
        from .enrich import enrich as run_enrich

        notes: list[str] = []
        done = run_enrich(project, state=state, messages=notes)
        for note in notes:
            say(f"  {note}")
        tagged = sum(n for _, n in done)
        say(f"  {len(done)} file(s) enriched, {tagged} new tag(s)" if done else "  up to date")

    def do_collate():
        from .collate import collate as run_collate

        notes: list[str] = []
        for path, status in run_collate(project, state=state, messages=notes):
            if status != "up-to-date":
                say(f"  {status} {_rel(path, project)}")
        for note in notes:
            say(f"  {note}")

    def do_pdf():
        from .publish_pdf import publish as run_pdf

        say(f"  dist/{run_pdf(project, state=state).relative_to(project.dist).as_posix()}")

    def do_html():
        from .publish_html import publish as run_html

        run_html(project, state=state)
        say(f"  site/ ({len(list(project.site.rglob('*.html')))} pages)")

    def do_dts():
        from .publish_dts import publish as run_dts

        out = run_dts(project, state=state)
        say(f"  site/dts/ ({len(list((out / 'collection').glob('*.json')))} resources)")

    def do_package():
        from .package import package as run_package

        bag, zipped = run_package(project, state=state)
        say(f"  dist/{bag.relative_to(project.dist).as_posix()}/, dist/{zipped.relative_to(project.dist).as_posix()}")

    return [("convert", do_convert), ("enrich", do_enrich), ("collate", do_collate),
            ("validate", lambda: run_validation(project, state, say)), ("pdf", do_pdf), ("html", do_html),
            ("dts", do_dts), ("package", do_package)]




def _link_copy(src: Path, dst: Path) -> None:
    """A copy of a folder made of hard links (a plain copy where links are refused)."""
    def link(a, b):
        try:
            os.link(a, b)
        except OSError:
            shutil.copy2(a, b)
    shutil.copytree(src, dst, copy_function=link, symlinks=False, dirs_exist_ok=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False if the
    system cannot."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    return fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0


@contextmanager
def staged_dist(project: Project):
    """A Project whose dist/ is a staged copy; dist/ is replaced by it on success."""
    final = project.dist
    staging = Path(tempfile.mkdtemp(prefix=STAGED_DIST_PREFIX, dir=project.root))
    os.chmod(staging, 0o755)     # mkdtemp makes it private; dist/ is for reading
    if final.is_dir():
        _link_copy(final, staging)
    try:
        yield dataclasses.replace(project, dist_dir=staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if final.is_dir() and _exchange(staging, final):
        shutil.rmtree(staging, ignore_errors=True)       # now the previous set
        return
    old = None
    if final.exists():
        old = Path(tempfile.mkdtemp(prefix=STAGED_DIST_PREFIX, dir=project.root))
        os.rmdir(old)
        os.rename(final, old)
    os.rename(staging, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(project: Project, clean: bool = False, timings: bool = False, skip=(), keep_going: bool = False,
          say: Callable = _default_say) -> list:
    """Run every step; returns the sources that failed to convert (with keep_going)."""
    from .buildstate import BuildState
    from .parallel import shared_pool

    started = time.perf_counter()
    state = BuildState(project.root)
    if clean:
        state.data = {}
    failed: list = []
    try:
        with shared_pool(), staged_dist(project) as staged:   # one set of worker processes for every step
            for name, fn in steps(staged, state, keep_going, failed, say):
                if name in skip or SKIPPED_WITH.get(name) in skip:
                    say(f"[{name}] skipped")
                    continue
                say(f"[{name}]")
                t0 = time.perf_counter()
                fn()
                if timings:
                    say(f"  ({time.perf_counter() - t0:.2f} s)")
    finally:
        state.save()
    if failed:
        say(f"build complete without {len(failed)} source(s) that failed to convert "
            f"({time.perf_counter() - started:.1f} s):")
        for o in failed:
            say(f"  {o.error.line()}")
        return failed
    say(f"build complete ({time.perf_counter() - started:.1f} s)")
    return []
