"""Step: validation. RELAX NG (schema/treatytei.rng, lxml) then ISO Schematron
(schema/treatytei.sch, compiled to XSLT 3.0 and run with Saxon). Every problem is
reported as ``file:line:col: [rule] message``.

Files may come from anywhere: parsing never loads a DTD, never expands entities and
never touches the network (see :func:`treatytei.tei.parse_bytes`).
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import uuid
from urllib.parse import quote
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lxml import etree

from . import saxon
from .errors import TreatyError
from .fileio import file_sha256, read_bytes
from .tei import parse_bytes, decode_xml, check_for_saxon, check_size, TEI_NS, NS

SVRL = "{http://purl.oclc.org/dsdl/svrl}"


@dataclass
class Problem:
    file: str
    line: int
    col: int
    severity: str  # error | warning
    rule: str
    message: str

    def line_text(self) -> str:
        sev = "" if self.severity == "error" else "warning: "
        return f"{self.file}:{self.line}:{self.col}: {sev}[{self.rule}] {self.message}"


@lru_cache(maxsize=4)
def relaxng(path: str) -> etree.RelaxNG:
    try:
        return etree.RelaxNG(parse_bytes(read_bytes(path), path, expect_tei=False))
    except (OSError, TreatyError, etree.XMLSyntaxError, etree.RelaxNGParseError) as exc:
        raise TreatyError(path, f"cannot load the RELAX NG schema: {exc}") from None


def schematron_executable(sch: Path):
    """Compile the Schematron schema to XSLT (our own compiler, xsl/schematron.xsl)
    and that XSLT to a Saxon executable; cached per schema content."""
    key = file_sha256(sch)   # remembered while the file is unchanged: not read for every file validated
    if key in _SCH_COMPILED:
        return _SCH_COMPILED[key]
    data = read_bytes(sch)
    key = hashlib.sha256(data).hexdigest()   # what is compiled is what was read
    if key not in _SCH_COMPILED:
        compiler = Path(str(resources.files("treatytei").joinpath("xsl/schematron.xsl")))
        exe = saxon.compile_file(compiler)
        try:
            node = saxon.parse(sch, data)
            generated = exe.transform_to_string(xdm_node=node)
        except Exception as exc:
            raise TreatyError(sch, f"Schematron schema does not compile: {exc}") from None
        _SCH_COMPILED[key] = saxon.compile_text(generated, sch.resolve().as_uri(), key)
    return _SCH_COMPILED[key]


#: compiled Schematron schemas by the SHA-256 of their text (one compilation per process)
_SCH_COMPILED: dict[str, object] = {}


@lru_cache(maxsize=64)
def _real(folder: str) -> Path:
    """A folder resolved (asked for every file validated: resolved once)."""
    return Path(folder).resolve()


def validate_file(path: Path, rng_path: Path, sch_path: Path | None, display: str | None = None,
                  ctx: RunContext | None = None) -> list[Problem]:
    shown = display or str(path)
    try:
        check_size(path)
        data = read_bytes(path)
        tree = parse_bytes(data, shown)
    except TreatyError as exc:
        return [_from_error(exc, shown)]
    lines = decode_xml(data, shown).split("\n")
    problems: list[Problem] = []
    schema = relaxng(str(rng_path))
    if not schema.validate(tree):
        for err in schema.error_log:
            msg, el = _explain(err.message, _find(tree, err.path))
            line, col = locate(el, lines) if el is not None else (err.line, max(err.column, 1))
            problems.append(Problem(shown, line, col, "error", "rng", msg))
    if tree.getroot().tag == f"{{{TEI_NS}}}TEI":
        problems.extend(date_problems(tree, lines, shown))
    if sch_path is not None:
        # files this one points into are read by the Schematron (doc()): each is checked
        # by the hardened decoding first, as every file Saxon reads is
        for ref in sorted({t.split("#")[0] for v in tree.xpath("//@*[contains(., '.xml')]") for t in str(v).split()
                           if re.match(r"^[A-Za-z0-9_.-]+\.xml(#|$)", t)}):
            other = Path(path).parent / ref
            if other.is_file():
                try:
                    check_for_saxon(other)
                except TreatyError as exc:
                    problems.append(Problem(shown, 1, 1, "error", "xml", f"points into {ref}, which is refused: {exc.message}"))
                    return problems
        problems.extend(run_schematron(path, tree, lines, sch_path, shown, data, ctx))
    return problems


def date_problems(tree, lines: list[str], shown: str) -> list[Problem]:
    """Dates the calendars cannot place, as warnings with their place: a tagged date whose
    own words give no day (or another day than its @when), and an untagged date
    expression in the text that could not be converted (a reign year past its era's end,
    a day past the month's end, a leap month that did not exist ...)."""
    from .dates import DateError, find_dates
    from .enrich import blocks, flat
    from .tei import original_text

    out: list[Problem] = []
    root = tree.getroot()
    for d in root.iter(f"{{{TEI_NS}}}date"):
        if d.getparent() is None or d.xpath("ancestor::tei:teiHeader", namespaces=NS):
            continue
        if d.get("when") is None and d.get("notBefore") is None:
            continue
        words = original_text(d)
        found = [v for a, b, v in find_dates(words) if a == 0 and b == len(words)]
        if found and isinstance(found[0], DateError):
            line, col = locate(d, lines)
            out.append(Problem(shown, line, col, "warning", "date-impossible", f'"{words}": {found[0]}'))
    for block in blocks(root):
        text = flat(block)
        for a, b, v in find_dates(text):
            if isinstance(v, DateError):
                line, col = locate(block, lines)
                out.append(Problem(shown, line, col, "warning", "date-unconvertible",
                                   f'"{text[a:b]}" could not be converted: {v}'))
    return out


def scan_edition(folder: Path, state=None, parallel: bool = False) -> tuple[dict[str, str], dict[str, tuple[list[str], list[str]]], dict[str, str]]:
    """One pass over the edition's folder: xml:id -> the space-separated names of the
    files that use it; for each file, its ids and the other files it points into
    (file.xml#id); and each file's SHA-256. The Schematron gets the first, computed
    once, instead of reading the whole folder again for every file it checks; the build
    cache keys on all three. With a BuildState, a file whose bytes did not change is
    not parsed again. ``parallel``: the changed files are parsed on every core (for a
    caller that runs under ``if __name__ == "__main__"``, as validate's callers do)."""
    from .parallel import imap

    ids: dict[str, list[str]] = {}
    per_file: dict[str, tuple[list[str], list[str]]] = {}
    digests: dict[str, str] = {}
    todo: list[Path] = []
    for f in sorted(Path(folder).glob("*.xml")):
        try:
            d = digests[f.name] = file_sha256(f)
        except (TreatyError, OSError):
            continue
        cached = state.get("scan", str(f)) if state is not None else None
        if cached and cached[0] == d:
            per_file[f.name] = (cached[1], cached[2])
        else:
            todo.append(f)
    # the files whose bytes changed are parsed on every core
    for f, found in zip(todo, imap(_scan_file, [str(f) for f in todo], "scan", jobs=None if parallel else 1)):
        if found is None:   # not well-formed: reported when the file itself is validated
            continue
        per_file[f.name] = found
        if state is not None:
            state.put("scan", str(f), [digests[f.name], *found])
    per_file = dict(sorted(per_file.items()))
    for name, (own, _) in per_file.items():
        for i in own:
            ids.setdefault(i, []).append(name)
    # the Schematron names a file by the last step of its URI: spaces and other
    # characters percent-encoded, so that a name with a space is one name
    return {k: " ".join(quote(n) for n in v) for k, v in ids.items()}, per_file, digests


def _scan_file(path: str) -> tuple[list[str], list[str]] | None:
    """A file's xml:ids and the other files it points into (a worker's job); None if
    it is not well-formed."""
    f = Path(path)
    try:
        check_size(f)
        tree = parse_bytes(read_bytes(f), f, expect_tei=False)
    except TreatyError:
        return None
    own = sorted({str(i) for i in tree.xpath("//@xml:id")})
    refs = sorted({t.split("#")[0] for v in tree.xpath("//@*[contains(., '.xml')]") for t in str(v).split()
                   if re.match(r"^[A-Za-z0-9_.-]+\.xml(#|$)", t)} - {f.name})
    return own, refs


class RunContext:
    """What one validation run learns once and uses for every file: each folder's scan
    (ids and pointers), and what the compiled Schematron was last given (the edition's
    ids, the register). A run makes its own (``validate``), and a worker keeps only the
    context of the run it is working for: nothing outlives a run, nothing needs clearing."""

    def __init__(self, run_id: str = ""):
        self.run_id = run_id or uuid.uuid4().hex
        self.scans: dict[Path, tuple] = {}
        self.ids_for: tuple | None = None         # (folder, executable) the ids were set for
        self.register_for: tuple | None = None    # (register key, executable)
        self.register_set = False

    def scan(self, folder: Path, state=None, parallel: bool = False) -> tuple:
        folder = Path(folder).resolve()
        if folder not in self.scans:
            self.scans[folder] = scan_edition(folder, state, parallel)
        return self.scans[folder]

    def set_edition_ids(self, exe, folder: Path) -> None:
        key = (str(_real(str(folder))), id(exe))
        if self.ids_for == key:
            return
        proc = saxon.processor()
        ids = self.scan(folder)[0]
        # (an empty key makes SaxonC abort the process: such an id is the schema's to report)
        exe.set_parameter("edition-ids", proc.make_map2({k: proc.make_string_value(v) for k, v in ids.items() if k.strip()}))
        self.ids_for = key

    def set_register(self, exe, folder: Path) -> None:
        """The register beside the files, parsed once per run (and again when it changes)
        and given to the Schematron as its parameter, instead of each file's run reading
        it again. A register that is absent or not well-formed is left to the schema's own
        default (no register)."""
        reg = _real(str(folder)) / "register.xml"
        try:
            key = f"{reg}|{file_sha256(reg)}"
        except (TreatyError, OSError):
            key = ""
        if self.register_for == (key, id(exe)):
            return
        node = None
        if key:
            try:
                parse_bytes(read_bytes(reg), reg, expect_tei=False)   # lxml first: Saxon would print its errors
                node = saxon.parse(reg)
            except Exception:   # not well-formed, or unsafe: as if absent
                node = None
        if node is not None:
            exe.set_parameter("register", node)
        else:
            # no register here: back to the schema's default (the executable may have
            # been given another folder's by an earlier run of this process)
            exe.clear_parameters()
            self.ids_for = None
        self.register_for = (key, id(exe))


#: the context of the run a worker process is working for (replaced when a job of
#: another run arrives)
_WORKER_RUN: list[RunContext] = []


def _worker_context(run_id: str) -> RunContext:
    if not _WORKER_RUN or _WORKER_RUN[0].run_id != run_id:
        _WORKER_RUN[:] = [RunContext(run_id)]
    return _WORKER_RUN[0]


def run_schematron(path: Path, tree, lines, sch_path: Path, shown: str, data: bytes | None = None,
                   ctx: RunContext | None = None) -> list[Problem]:
    ctx = ctx or RunContext()
    exe = schematron_executable(sch_path)
    ctx.set_register(exe, Path(path).parent)
    ctx.set_edition_ids(exe, Path(path).parent)
    try:
        node = saxon.parse(path, data)
    except TreatyError as exc:
        return [_from_error(exc, shown)] if "xml:id" not in exc.message else []   # the schema reports a bad id
    try:
        svrl = exe.transform_to_string(xdm_node=node)
    except Exception as exc:
        return [Problem(shown, 1, 1, "error", "schematron", f"Schematron run failed: {str(exc).splitlines()[0]}")]
    out = []
    for item in etree.fromstring(svrl.encode("utf-8")).iter(SVRL + "failed-assert", SVRL + "successful-report"):
        el = _from_path(tree, item.get("location", ""))
        line, col = locate(el, lines) if el is not None else (1, 1)
        text = " ".join("".join(item.itertext()).split())
        m = re.match(r"^\[([\w-]+)\]\s*(.*)$", text)
        rule, msg = (m.group(1), m.group(2)) if m else (item.get("id") or "schematron", text)
        out.append(Problem(shown, line, col, item.get("role") or "error", rule, msg))
    return out


def _from_error(exc: TreatyError, shown: str) -> Problem:
    m = re.match(r"^(.*):(\d+):(\d+)$", exc.path or "")
    if m:
        return Problem(shown, int(m.group(2)), int(m.group(3)), "error", "xml", exc.message)
    return Problem(shown, 1, 1, "error", "xml", exc.message)


def _explain(msg: str, el):
    """libxml2's RELAX NG messages, made to say which element and attribute;
    returns (message, the element it is about)."""
    msg = msg.replace("{http://www.tei-c.org/ns/1.0}", "")
    if el is None:
        return msg, None
    m = re.search(r"Element (\S+) failed to validate attributes", msg)
    while m and el is not None and etree.QName(el).localname != m.group(1):
        el = el.getparent()
    if el is None:
        return msg, None
    name = etree.QName(el).localname
    m = re.match(r"Invalid attribute (\S+) for element (\S+)", msg)
    if m:
        key = m.group(1)
        value = el.get(key) if el.get(key) is not None else el.get(f"{{http://www.w3.org/XML/1998/namespace}}{key}")
        shown = f"xml:{key}" if el.get(key) is None else key
        return f'<{name}>: @{shown}="{value}" is not allowed (not an allowed value, or not allowed on this element)', el
    if "failed to validate attributes" in msg:
        attrs = " ".join(f'{etree.QName(k).localname if not k.startswith("{http://www.w3.org/XML") else "xml:" + etree.QName(k).localname}="{v}"'
                         for k, v in el.attrib.items())
        return f"<{name}> has an attribute not allowed here or a value outside its list ({attrs})", el
    if msg.startswith("Expecting an element , got nothing") or msg.startswith("Expecting an element"):
        return f"<{name}> is missing a required child element", el
    return msg, el


def _find(tree, path):
    if not path:
        return None
    try:
        found = tree.xpath(path)
    except etree.XPathError:
        return None
    return found[0] if found and isinstance(found[0], etree._Element) else None


STEP_RE = re.compile(r"/(Q\{[^}]*\}[^\[/]+\[\d+\]|@(?:Q\{[^}]*\})?[^/]+|[a-z-]+\(\)(?:\[\d+\])?)")


def _from_path(tree, path: str):
    """The element an XPath from fn:path() designates (an attribute -> its element)."""
    el = None
    for step in STEP_RE.findall(path):
        if step.startswith("@") or "(" in step:
            break
        m = re.match(r"Q\{([^}]*)\}([^\[]+)\[(\d+)\]", step)
        ns, name, idx = m.group(1), m.group(2), int(m.group(3))
        tag = f"{{{ns}}}{name}" if ns else name
        if el is None:
            root = tree.getroot()
            if root.tag != tag:
                return None
            el = root
            continue
        kids = [c for c in el if c.tag == tag]
        if idx > len(kids):
            return el
        el = kids[idx - 1]
    return el


def locate(el, lines: list[str]) -> tuple[int, int]:
    """(line, column) of an element's start tag. lxml keeps lines, not columns: the
    column is found by counting start tags on that line in document order."""
    line = el.sourceline or 1
    same = [e for e in el.getroottree().getroot().iter() if isinstance(e.tag, str) and e.sourceline == line]
    k = same.index(el) if el in same else 0
    text = lines[line - 1] if line - 1 < len(lines) else ""
    starts = [m.start() + 1 for m in re.finditer(r"<(?![/?!])", text)]
    # tags that began on an earlier line and end here do not start here
    return line, starts[k] if k < len(starts) else 1


def _validate_job(job: tuple) -> list[Problem]:
    path, rng, sch, shown, ids_file, run_id = job
    ctx = _worker_context(run_id)
    folder = _real(str(Path(path).parent))   # as RunContext.scan keys it
    if ids_file and folder not in ctx.scans:
        # the folder's ids as the caller scanned them for this run, instead of each
        # worker reading every file of the folder again
        ctx.scans[folder] = (json.loads(Path(ids_file).read_text(encoding="utf-8")), {}, {})
    return validate_file(Path(path), Path(rng), Path(sch) if sch else None, shown, ctx)


def validate(paths: list[Path], rng: Path, sch: Path | None, root: Path | None = None, state=None) -> list[Problem]:
    """Validate files, in parallel when there are many. With a BuildState, a file whose
    validation inputs did not change (its bytes, the schemas, the register, the files
    it points into, and which other files share its ids) reuses its earlier result."""
    from .buildstate import digest
    from .parallel import MIN_PARALLEL, pmap

    ctx = RunContext()
    paths = [Path(p) for p in paths]
    resolved = [p.resolve() for p in paths]
    keys: dict[int, str] = {}
    if state is not None:
        known: dict[Path, str] = {}   # file -> SHA-256, each file read once

        def file_digest(f: Path) -> str:
            if f not in known:
                known[f] = file_sha256(f) if f.is_file() else "<missing>"
            return known[f]
        schemas = (file_digest(Path(rng).resolve()), file_digest(Path(sch).resolve()) if sch else "")
        scans: dict[Path, tuple] = {}
        for k, p in enumerate(resolved):
            folder = p.parent
            if folder not in scans:
                scans[folder] = ctx.scan(folder, state, parallel=True)
                # the scan has just read and hashed every file of the folder
                known.update({folder / name: d for name, d in scans[folder][2].items()})
            ids, per_file, _ = scans[folder]
            own, refs = per_file.get(p.name, ([], []))
            shared = " ".join(f"{i}={ids.get(i, '')}" for i in own)
            keys[k] = digest(file_digest(p), *schemas, file_digest(folder / "register.xml"), shared,
                             *[file_digest(folder / r) for r in refs])
    results: dict[int, list[Problem]] = {}
    todo = []
    for k, p in enumerate(paths):
        cached = state.get("validate", str(resolved[k])) if state is not None else None
        if cached and cached.get("key") == keys.get(k):
            results[k] = [Problem(**d) for d in cached["problems"]]
        else:
            todo.append(k)
    ids_files: dict[Path, str] = {}
    with tempfile.TemporaryDirectory(prefix="treatytei-ids-") as tmp:
        if sch and len(todo) >= MIN_PARALLEL:   # on worker processes: give them the scans
            for folder in sorted({resolved[k].parent for k in todo}):
                ids_files[folder] = str(Path(tmp) / f"{uuid.uuid4().hex}.json")   # never a name seen before
                Path(ids_files[folder]).write_text(json.dumps(ctx.scan(folder, state, parallel=True)[0]), encoding="utf-8")
        if len(todo) < MIN_PARALLEL:     # in this process: the run's own context
            done = [validate_file(paths[k], Path(rng), Path(sch) if sch else None, _display(paths[k], root), ctx)
                    for k in todo]
        else:
            done = pmap(_validate_job, [(str(paths[k]), str(rng), str(sch) if sch else "", _display(paths[k], root),
                                         ids_files.get(resolved[k].parent, ""), ctx.run_id) for k in todo], "validate")
    for k, probs in zip(todo, done):
        results[k] = probs
        if state is not None:
            state.put("validate", str(resolved[k]), {"key": keys[k], "problems": [asdict(x) for x in probs]})
    return [x for k in range(len(paths)) for x in results[k]]


def _display(p: Path, root: Path | None) -> str:
    try:
        return str(Path(p).resolve().relative_to(root)) if root else str(p)
    except ValueError:
        return str(p)


def report(problems: list[Problem], files: int, fmt: str = "text") -> str:
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if fmt == "json":
        return json.dumps({"files": files, "errors": errors, "warnings": warnings,
                           "problems": [asdict(p) for p in problems]}, ensure_ascii=False, indent=1)
    out = [p.line_text() for p in problems]
    bad = len({p.file for p in problems if p.severity == "error"})
    out.append(f"{files} file(s) checked: {files - bad} valid, {bad} invalid; {errors} error(s), {warnings} warning(s)")
    return "\n".join(out)
