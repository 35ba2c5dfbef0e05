"""The command line. It only wires the steps together; each step is its own module."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import click

from .errors import TreatyError
from .project import Project


def _project(ctx: click.Context) -> Project:
    root = ctx.obj.get("root")
    return Project(Path(root).resolve()) if root else Project.find()


def _say(msg: str) -> None:
    click.echo(msg, err=True)


@contextmanager
def _running(project: Project):
    """A command that writes: it holds the edition's lock (one run at a time), and
    first clears what an interrupted run left behind."""
    from .runlock import edition_lock, sweep

    with edition_lock(project.root):
        gone = sweep(project.root)
        if gone:
            _say(f"cleared {len(gone)} temporary file(s) or folder(s) an interrupted run left behind")
        yield


@click.group()
@click.option("--root", type=click.Path(file_okay=False), help="The edition's folder (default: found from here).")
@click.version_option(package_name="treatytei")
@click.pass_context
def cli(ctx: click.Context, root: str | None) -> None:
    """Build the treatytei edition: sources -> TEI -> enrich -> collate -> validate -> site, PDF, bag."""
    ctx.ensure_object(dict)
    ctx.obj["root"] = root


@cli.command()
@click.argument("ids", nargs=-1)
@click.option("--force", is_flag=True, help="Overwrite TEI files an editor changed (a backup is kept in tei/.backup/).")
@click.pass_context
def convert(ctx: click.Context, ids: tuple[str, ...], force: bool) -> None:
    """Convert sources (all, or the IDS named) from sources/sources.toml into tei/<id>.xml."""
    from .convert import convert as run

    project = _project(ctx)
    with _running(project):
        outcomes = run(project, ids, force=force)
    for o in outcomes:
        extra = f" (backup: {o.backup.relative_to(project.root)})" if o.backup else ""
        _say(f"{o.status:>15}  {o.path.relative_to(project.root)}{extra}")
        for w in o.warnings:
            _say(f"  warning: {o.id}: {w}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--siglum", help="Witness siglum (A, B, C ...) when the text is a witness of a work.")
@click.option("--work", help="The work the text is a witness of (witnesses of one work are collated).")
@click.option("--id", "sid", help="The source's id (default: the title in pinyin).")
@click.option("--title", help="The title (default: read from the text).")
@click.option("--format", "fmt", type=click.Choice(["wikisource-treaty", "wikipedia-markdown"]),
              help="The source format (default: from the file name and content).")
@click.option("--script", type=click.Choice(["Hans", "Hant"]), help="Simplified or traditional (default: counted).")
@click.option("--complete/--incomplete", default=None, help="Whether the text is complete (default: guessed).")
@click.option("--url", help="Where the text was published.")
@click.option("--licence", help="The text's licence.")
@click.option("--dry-run", is_flag=True, help="Show what would be written; write nothing.")
@click.pass_context
def add(ctx: click.Context, file: str, siglum, work, sid, title, fmt, script, complete, url, licence,
        dry_run: bool) -> None:
    """Add a text to the edition: copy FILE into sources/, write its [[source]] entry in
    sources/sources.toml and convert it into tei/<id>.xml."""
    from .add import add as run, plan
    from .convert import convert as run_convert

    project = _project(ctx)
    with _running(project):
        entry = plan(project, Path(file), sid=sid, title=title, fmt=fmt, script=script, complete=complete,
                     siglum=siglum, work=work, url=url, licence=licence)
        if dry_run:
            click.echo(f"would copy {file} to sources/{entry.file} and add to sources/sources.toml:\n")
            click.echo(entry.toml())
            click.echo(f"and convert it into tei/{entry.id}.xml")
            return
        outcomes = run(project, Path(file), entry, lambda ids: run_convert(project, ids))
    _say(f"added sources/{entry.file} as '{entry.id}' ({entry.format}, {entry.script}"
         f"{', siglum ' + entry.siglum if entry.siglum else ''}{', work ' + entry.work if entry.work else ''}"
         f"{', incomplete' if not entry.complete else ''})")
    for o in outcomes:
        _say(f"{o.status:>15}  {o.path.relative_to(project.root)}")
        for w in o.warnings:
            _say(f"  warning: {_rel(project.root / 'sources' / entry.file, project)}: {w}")


@cli.command()
@click.argument("files", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Output format.")
@click.pass_context
def validate(ctx: click.Context, files: tuple[str, ...], fmt: str) -> None:
    """Validate TEI files (default: all of tei/) against RELAX NG, then Schematron.

    Prints one line per problem as file:line:col: [rule] message, then a summary;
    exits 0 when every file is valid (warnings allowed), 1 otherwise."""
    from .validate import report, validate as run

    if files:
        root = None
        # the edition's schema when inside one that has it; else the toolkit's own
        schema_dir = Path(__file__).resolve().parents[2] / "schema"
        try:
            project = _project(ctx)
            root = project.root
            if (project.schema / "treatytei.rng").exists():
                schema_dir = project.schema
        except TreatyError:
            pass
        rng, sch = schema_dir / "treatytei.rng", schema_dir / "treatytei.sch"
        paths = [Path(f) for f in files]
    else:
        project = _project(ctx)
        root = project.root
        rng, sch = project.schema / "treatytei.rng", project.schema / "treatytei.sch"
        from .fileio import tree_inside
        tree_inside(project.root, project.schema, "schema file")
        paths = project.tei_files()
    problems = run(paths, rng, sch, root)
    click.echo(report(problems, len(paths), fmt))
    if any(p.severity == "error" for p in problems):
        sys.exit(1)


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def enrich(ctx: click.Context, files: tuple[str, ...]) -> None:
    """Tag persons, places, organisations, offices and dates in TEI texts (default: all
    of tei/) and link them to tei/register.xml. Idempotent; never touches existing markup."""
    from .enrich import enrich as run

    project = _project(ctx)
    notes: list[str] = []
    with _running(project):
        done = run(project, files, messages=notes)
    for note in notes:
        _say(f"  {note}")
    for path, n in done:
        _say(f"{n:>6} new tag(s)  {_rel(path, project)}")


@cli.group()
def names() -> None:
    """The register's names: propose new ones from the texts, accept an editor's review."""


@names.command("propose")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", default="names-review.tsv", show_default=True,
              help="The review file to write (- for standard output).")
@click.pass_context
def names_propose(ctx: click.Context, files: tuple[str, ...], output: str) -> None:
    """Find names the register does not know in TEI texts (default: all of tei/) and write
    them, one a line, to a review file: surface form, type, the entry it would join or
    make, confidence, why, and where it occurs. Mark each line yes or no, then run
    `treatytei names accept FILE`."""
    from .fileio import write_atomic
    from .names_propose import propose, review_tsv

    project = _project(ctx)
    cands = propose(project, [Path(f) for f in files])
    text = review_tsv(cands)
    if output == "-":
        click.echo(text, nl=False)
    else:
        out = Path(output)
        write_atomic(out, text.encode("utf-8"))
        kinds: dict[str, int] = {}
        for c in cands:
            kinds[c.kind] = kinds.get(c.kind, 0) + 1
        _say(f"{len(cands)} candidate(s) ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items())) or 'none'}) "
             f"written to {output}")


@names.command("check")
@click.pass_context
def names_check(ctx: click.Context) -> None:
    """List entries of the register that may be duplicates: one kind, a name read alike
    (pinyin). Exit 1 if there are any."""
    from .register import Register

    project = _project(ctx)
    dups = Register.load(project.register).possible_duplicates()
    for a, b, sound in dups:
        click.echo(f"{_rel(project.register, project)}: possible duplicate: {a} and {b} (both read '{sound}')")
    _say(f"{len(dups)} possible duplicate(s)")
    if dups:
        sys.exit(1)


@names.command("accept")
@click.argument("review", required=False, type=click.Path(dir_okay=False))
@click.option("--all", "take_all", is_flag=True,
              help="Take every line as proposed (without REVIEW: propose, then accept everything).")
@click.pass_context
def names_accept(ctx: click.Context, review: str | None, take_all: bool) -> None:
    """Apply the decisions of a review file to tei/register.xml: yes adds the name (to the
    entry its line names: a new one or an existing one), no records it as not a name.
    Then `treatytei build` (or enrich) tags the new names in the texts."""
    import tempfile

    from .fileio import write_atomic
    from .names_accept import accept
    from .names_propose import propose, review_tsv

    project = _project(ctx)
    if review is None and not take_all:
        raise click.UsageError("name a review file (or give --all to accept every proposal)")
    with _running(project):
        if review is None:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "names-review.tsv"
                write_atomic(path, review_tsv(propose(project)).encode("utf-8"))
                outcome = accept(project, path, take_all=True)
        else:
            if not Path(review).is_file():
                raise TreatyError(Path(review), "no such review file")
            outcome = accept(project, Path(review), take_all=take_all)
    _say(f"register: {outcome.summary()}")


@cli.command()
@click.argument("work", required=False)
@click.option("--force", is_flag=True, help="Overwrite an apparatus an editor changed (a backup is kept).")
@click.pass_context
def collate(ctx: click.Context, work: str | None, force: bool) -> None:
    """Collate the witnesses of WORK (default: every work with two or more witnesses)
    into tei/<work>.apparatus.xml."""
    from .collate import collate as run

    project = _project(ctx)
    with _running(project):
        notes: list[str] = []
        done = run(project, work, force=force, messages=notes)
    for path, status in done:
        _say(f"{status:>10}  {_rel(path, project)}")
    for note in notes:
        _say(f"  {note}")


@cli.command()
@click.option("--check", is_flag=True, required=True, help="Compare dates the sources give for one day in several calendars.")
@click.option("--strict", is_flag=True, help="Exit 1 when dates disagree.")
@click.pass_context
def dates(ctx: click.Context, check: bool, strict: bool) -> None:
    """Report tagged dates: each day stated in several calendars, converted, with
    disagreements; and any @when that its text does not give."""
    from .dates import check_document
    from .tei import parse_file

    project = _project(ctx)
    findings = []
    for path in project.tei_files():
        lines, found = check_document(parse_file(path).getroot(), _rel(path, project))
        for line in lines:
            click.echo(line)
        findings.extend(found)
    for f in findings:
        click.echo(f"{f.file}:{f.line}: {f.kind}: {f.message}")
    click.echo(f"{len(findings)} disagreement(s)")
    if strict and findings:
        sys.exit(1)


@cli.command("eval")
@click.option("--gold", type=click.Path(exists=True, file_okay=False), default=None,
              help="Folder of gold TSV files (default: tests/gold).")
@click.pass_context
def eval_(ctx: click.Context, gold: str | None) -> None:
    """Precision and recall of the entity and date markup, and of the apparatus's
    variant boundaries, against the hand-made gold standard (tests/gold/)."""
    from .evaluate import evaluate, table

    from .collation_eval import evaluate_alignment

    project = _project(ctx)
    gold_dir = Path(gold) if gold else project.root / "tests" / "gold"
    scores, diffs = evaluate(project, gold_dir)
    click.echo("Entities and dates:")
    click.echo(table(scores))
    for d in diffs:
        click.echo("  " + d)
    for path in sorted(gold_dir.glob("*.alignment*.txt")):
        work = path.name.split(".alignment")[0]
        score, adiffs = evaluate_alignment(project, work, path)
        click.echo(f"\nApparatus of {work} against {path.name}: {score.gold} gold variants, "
                   f"{score.predicted} found, {score.tp} exact; precision {score.precision:.3f}, "
                   f"recall {score.recall:.3f}")
        for d in adiffs:
            click.echo("  " + d)


def _rel(path: Path, project: Project) -> str:
    try:
        return str(Path(path).resolve().relative_to(project.root))
    except ValueError:
        return str(path)


@cli.group()
def publish() -> None:
    """Publish the edition: html (the static site) or pdf (the print edition)."""


@publish.command("html")
@click.pass_context
def publish_html(ctx: click.Context) -> None:
    """Build the static HTML edition into site/ (XSLT 3.0 through Saxon), with its
    DTS API in site/dts/."""
    from .publish_html import publish as run

    from .publish_dts import publish as run_dts

    project = _project(ctx)
    with _running(project):
        out = run(project)
        run_dts(project)
    _say(f"site written to {_rel(out, project)}/ (open {_rel(out, project)}/index.html, or run treatytei serve)")


@publish.command("pdf")
@click.option("--name-marks", type=click.Choice(["lines", "colours"]), default="lines", show_default=True,
              help="Mark proper names and titles with lines (專名線, 書名線) or with colours.")
@click.pass_context
def publish_pdf(ctx: click.Context, name_marks: str) -> None:
    """Build the print edition, dist/treatytei-edition.pdf (XSLT 3.0 + WeasyPrint)."""
    from .publish_pdf import publish as run

    project = _project(ctx)
    with _running(project):
        out = run(project, name_marks=name_marks)
    _say(f"print edition written to {_rel(out, project)}")


@cli.command()
@click.option("--with-site", is_flag=True, help="Put the built site into the bag too.")
@click.option("--no-pdf", is_flag=True, help="Leave the print edition out of the bag.")
@click.pass_context
def package(ctx: click.Context, with_site: bool, no_pdf: bool) -> None:
    """Write the BagIt deposit package: dist/treatytei-bag/ and dist/treatytei-bag.zip."""
    from .package import package as run

    project = _project(ctx)
    with _running(project):
        bag, zipped = run(project, include_site=with_site, include_pdf=not no_pdf)
    _say(f"bag written to {_rel(bag, project)}/ and {_rel(zipped, project)}")


@cli.command("verify-bag")
@click.argument("bag", type=click.Path(exists=True, file_okay=False))
def verify_bag(bag: str) -> None:
    """Check a bag with bagit's validator: every file present and matching its checksums."""
    from .package import verify

    problems = verify(Path(bag))
    for p in problems:
        click.echo(f"{bag}: {p}")
    click.echo(f"{bag}: {'valid' if not problems else 'INVALID'}")
    if problems:
        sys.exit(1)


@cli.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (local only by default).")
@click.pass_context
def serve(ctx: click.Context, port: int, host: str) -> None:
    """Preview the built site on http://localhost:PORT/ (Ctrl-C stops it)."""
    import functools
    import http.server

    project = _project(ctx)
    if not (project.site / "index.html").exists():
        raise TreatyError(project.site, "no site built yet: run treatytei publish html (or treatytei build)")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def send_head(self):
            # a request the file system cannot answer (a NUL in the path, say) is a 400
            try:
                return super().send_head()
            except (ValueError, OSError):
                self.send_error(400, "Bad request")
                return None

        def log_message(self, format, *args):   # noqa: A002 - the standard library's name
            _say(f"  {self.address_string()} {format % args}")

    handler = functools.partial(Handler, directory=str(project.site))
    try:
        httpd = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise TreatyError(None, f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    with httpd:
        _say(f"serving {_rel(project.site, project)}/ on http://{host}:{port}/ (Ctrl-C to stop)")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            _say("stopped")


@cli.command()
@click.option("--clean", is_flag=True, help="Ignore what earlier builds made and do every step in full.")
@click.option("--timings", is_flag=True, help="Print how long each step took.")
@click.option("--skip", "skip", multiple=True, type=click.Choice(["pdf", "html", "package"]),
              help="Leave out a publication step (e.g. --skip pdf for a quick rebuild of a large edition).")
@click.option("--keep-going", is_flag=True,
              help="Publish every source that converts; list those that do not (and exit 1 at the end).")
@click.pass_context
def build(ctx: click.Context, clean: bool, timings: bool, skip: tuple[str, ...], keep_going: bool) -> None:
    """Build everything: TEI, enrichment, apparatus, validation, PDF, site, deposit package.

    Work whose inputs did not change since the last build is skipped; all cores are used
    for work over many documents (TREATYTEI_JOBS=N sets how many)."""
    from .pipeline import build as run

    project = _project(ctx)
    with _running(project):
        failed = run(project, clean=clean, timings=timings, skip=skip, keep_going=keep_going, say=_say)
    if failed:
        sys.exit(1)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except TreatyError as exc:
        for err in getattr(exc, "errors", None) or [exc]:
            click.echo(f"treatytei: error: {err.line()}", err=True)
        sys.exit(1)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("treatytei: interrupted; nothing half-written was left in place", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
