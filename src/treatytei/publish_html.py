"""Step: publish html. TEI -> a static site in site/, by the XSLT 3.0 stylesheets in
xslt/html/ (Saxon through saxonche), one transformation per script mode writing every
page (xsl:result-document).

Three trees of the same pages: the sources' own characters at the site's root, and
all Chinese text converted to simplified (zh-Hans/) and to traditional (zh-Hant/)
characters with OpenCC -- converted in the TEI before the transformation, so the
stylesheets know nothing of scripts. A static search index (assets/search-index.js)
is built beside them. The site is built in a fresh folder and swapped into place
only when complete: site/ is never half-written.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from lxml import etree

from . import saxon
from .chinese import to_simplified, to_traditional
from .enrich import match_key
from .errors import TreatyError
from .manifest import load
from .tei import NS, XML_ID, XML_LANG, local, original_text, parse_file

MODES = {"orig": "", "hans": "zh-Hans/", "hant": "zh-Hant/"}
REGISTER_PAGES = ("persons", "places", "organisations", "dates")


def _convert_tree(root, mode: str) -> None:
    """All Chinese text of a TEI tree in one script (display copy only)."""
    convert = to_simplified if mode == "hans" else to_traditional
    target = "zh-Hans" if mode == "hans" else "zh-Hant"

    def walk(el, lang: str) -> None:
        own = el.get(XML_LANG)
        if own:
            lang = own
            if own.startswith("zh"):
                el.set(XML_LANG, target)
        zh = lang.startswith("zh")
        if zh and el.text and el.text.strip():
            el.text = convert(el.text)
        for child in el:
            if isinstance(child.tag, str):
                walk(child, lang)
            if zh and child.tail and child.tail.strip():
                child.tail = convert(child.tail)

    walk(root, root.get(XML_LANG) or "")


def pages(texts: list[str], works: list[str]) -> list[tuple[str, str, str]]:
    """(page, target, file name) of every page the stylesheet must write."""
    out = [("index", "", "index.html")]
    out += [("text", t, f"{t}.html") for t in texts]
    out += [("collation", w, f"collation-{w}.html") for w in works]
    out += [(p, "", f"{p}.html") for p in REGISTER_PAGES]
    out.append(("search", "", "search.html"))
    return out


def inputs_digest(project) -> str:
    from .buildstate import digest, tree_digest

    return digest(tree_digest(project.tei, pattern="*.xml"), tree_digest(project.xslt / "html"),
                  project.dist / "treatytei-edition.pdf", project.manifest)


def publish(project, out_dir: Path | None = None, state=None) -> Path:
    """Build the site into out_dir (default site/). With a BuildState, nothing is done
    when the TEI, the stylesheets and the PDF are as at the last build."""
    from .parallel import MIN_PARALLEL, pmap

    out_dir = Path(out_dir or project.site)
    key = inputs_digest(project) if state is not None else None
    if state is not None and state.get("html", str(out_dir)) == key and (out_dir / "index.html").exists():
        return out_dir
    sources = load(project.manifest)
    texts = [s.id for s in sources if (project.tei / f"{s.id}.xml").exists()]
    if not texts:
        raise TreatyError(project.tei, "no TEI texts to publish (run treatytei convert first)")
    app_files = sorted(p.name for p in project.tei.glob("*.apparatus.xml"))
    works = [f[: -len(".apparatus.xml")] for f in app_files]
    entry = project.xslt / "html" / "edition.xsl"
    if not entry.exists():
        raise TreatyError(entry, "missing: the HTML stylesheets")
    files = [f"{t}.xml" for t in texts] + app_files + ["register.xml"]

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=out_dir.parent))
    work = Path(tempfile.mkdtemp(prefix=".tei-modes-", dir=out_dir.parent))
    try:
        jobs = [(str(project.root), mode, str(staging), str(work), texts, app_files, files,
                 [name for _, _, name in pages(texts, works)]) for mode in MODES]
        # three script modes: in parallel when the edition is large enough to repay it
        pmap(_render_mode, jobs, "html", min_items=1 if len(texts) >= MIN_PARALLEL else len(jobs) + 1)
        assets = staging / "assets"
        shutil.copytree(project.xslt / "html" / "assets", assets)
        (assets / "search-index.js").write_text(search_index(project, texts), encoding="utf-8")
        (staging / "tei").mkdir()
        for f in files:
            if (project.tei / f).exists():
                shutil.copy2(project.tei / f, staging / "tei" / f)
        readme = out_dir / "README.md"
        if readme.exists():
            shutil.copy2(readme, staging / "README.md")
        pdf = project.dist / "treatytei-edition.pdf"
        if pdf.exists():
            shutil.copy2(pdf, staging / pdf.name)
        _swap(staging, out_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    if state is not None:
        state.put("html", str(out_dir), key)
    return out_dir


def _render_mode(job: tuple) -> None:
    """Write every page of one script mode into staging (a worker's job)."""
    from .project import Project

    root, mode, staging, work, texts, app_files, files, expected = job
    project = Project(Path(root))
    entry = project.xslt / "html" / "edition.xsl"
    if mode == "orig":
        tei_dir = project.tei
    else:
        tei_dir = Path(work) / mode
        tei_dir.mkdir(parents=True, exist_ok=True)
        for f in files:
            src = project.tei / f
            if src.exists():
                root_el = parse_file(src).getroot()
                _convert_tree(root_el, mode)
                (tei_dir / f).write_bytes(etree.tostring(root_el, encoding="UTF-8", xml_declaration=True))
    exe = saxon.compile_file(entry)
    proc = saxon.processor()
    out = Path(staging) / MODES[mode]
    out.mkdir(parents=True, exist_ok=True)
    exe.clear_parameters()
    params = {"page": "all", "mode": mode, "tei-dir": tei_dir.resolve().as_uri() + "/",
              "texts": " ".join(f"{t}.xml" for t in texts), "apparatus": " ".join(app_files)}
    for k, v in params.items():
        exe.set_parameter(k, proc.make_string_value(v))
    exe.set_base_output_uri(out.resolve().as_uri() + "/index.html")
    try:
        exe.call_template_returning_string(None)
    except Exception as exc:
        raise TreatyError(entry, f"site ({mode}): {str(exc).splitlines()[0]}") from None
    missing = [name for name in expected if not (out / name).exists()]
    if missing:
        raise TreatyError(entry, f"site ({mode}): the stylesheet did not write {', '.join(missing[:5])}")


def _swap(staging: Path, out_dir: Path) -> None:
    """Replace out_dir by staging with two renames: readers see the old site or the
    new one, never a mixture."""
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}-old-{staging.name[-8:]}")
        out_dir.rename(old)
    staging.rename(out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# ------------------------------------------------------------------ search

def search_index(project, texts: list[str]) -> str:
    """The static search index: one record per passage (paragraph, heading, list item,
    editorial note) and per register entry, with its text in the three scripts and its
    match key (script and listed variants folded, one character per character, the
    same key the enricher uses); and the character map the browser folds queries with."""
    records = []
    chars: set[str] = set()
    for t in texts:
        root = parse_file(project.tei / f"{t}.xml").getroot()
        title = root.findtext(".//{*}titleStmt/{*}title[@type='main']") or t
        lang = root.get(XML_LANG)
        blocks = root.xpath("//tei:notesStmt/tei:note[@type='editorial'] | //tei:text//tei:p | //tei:text//tei:head"
                            " | //tei:text//tei:item | //tei:text//tei:cell", namespaces=NS)
        for b in blocks:
            if b.xpath("ancestor::tei:p | ancestor::tei:item | ancestor::tei:cell", namespaces=NS):
                continue
            text = original_text(b)
            if not text.strip():
                continue
            anchor, label = _section(b)
            records.append(_record(f"{t}.html#{anchor}", f"{title} · {label}", text, lang))
            chars.update(text)
    reg = project.register
    if reg.exists():
        root = parse_file(reg).getroot()
        for ent in root.xpath("//tei:person | //tei:place | //tei:org | //tei:category | //tei:listBibl/tei:bibl", namespaces=NS):
            names = [n.text for n in ent.xpath("tei:persName | tei:placeName | tei:orgName | tei:title | tei:catDesc/tei:term", namespaces=NS) if n.text]
            if not names:
                continue
            page = "persons" if local(ent) == "person" else "places" if local(ent) == "place" else "organisations"
            text = " / ".join(names)
            records.append(_record(f"{page}.html#{ent.get(XML_ID)}", f"Register: {names[0]}", text, "zh-Hans"))
            chars.update(text)
    cmap = {}
    for c in sorted(chars | {to_traditional(c) for c in chars} | {to_simplified(c) for c in chars}):
        for form in c:
            k = match_key(form)
            if k != form:
                cmap[form] = k
    data = {"map": cmap, "records": records}
    return "window.TREATYTEI_SEARCH = " + json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + ";\n"


def _record(url: str, label: str, text: str, lang: str) -> dict:
    return {"url": url, "label": label, "text": text, "hans": to_simplified(text), "hant": to_traditional(text),
            "norm": match_key(text), "lang": lang}


def _section(el) -> tuple[str, str]:
    """(anchor, label) of the section a block stands in, as the pages name them."""
    if el.xpath("ancestor::tei:notesStmt", namespaces=NS):
        return "note", "Editorial note"
    div = el.xpath("ancestor::tei:div[@type='article' or @type='preamble' or @type='section'][1]", namespaces=NS)
    if not div:
        return "main", "Opening"
    d = div[0]
    if d.get("type") == "article":
        return f"art-{d.get('n')}", f"Article {d.get('n')}"
    if d.get("type") == "preamble":
        return "preamble", "Preamble"
    return f"sec-{d.get('n')}", "§ " + (d.findtext("{*}head") or d.get("n"))
