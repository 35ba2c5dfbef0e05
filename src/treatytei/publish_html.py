"""Step: publish html. TEI -> a static site in site/, by the XSLT 3.0 stylesheets in
xslt/html/ (Saxon through saxonche).

Three trees of the same pages: the sources' own characters at the site's root, and
all Chinese text converted to simplified (zh-Hans/) and to traditional (zh-Hant/)
characters with OpenCC. Each page is rendered once, "neutral" (its few mode-dependent
parts as placeholders), and written three times by ``for_mode``, which fills in the
placeholders and converts the Chinese text of the page -- so the stylesheets know
nothing of scripts. A static search index per script tree (assets/search-index-MODE.js) is built beside them.

Incremental: every page has a digest of what it is made from (its TEI file, the
register, the stylesheets; the register pages: every name and date of every text; the
index: every header). A rebuild renders only the pages whose digest changed, and each
TEI file is prepared (search records, digests) only when its bytes
changed -- kept in build/html/. The site is assembled in a fresh folder (unchanged
pages hard-linked from the current one) and swapped into place only when complete:
site/ is never half-written.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from . import saxon
from .chinese import to_simplified, to_traditional, to_traditional_reading
from .enrich import match_key
from .errors import TreatyError
from .fileio import file_sha256, sha256, swap_folder, write_cache
from .manifest import edition_settings, load
from .parallel import MIN_PARALLEL, pmap, workers
from .runlock import NEUTRAL_PREFIX
from .tei import NS, XML_ID, XML_LANG, check_for_saxon, local, original_text, parse_file, q

MODES = {"orig": "", "hans": "zh-Hans/", "hant": "zh-Hant/"}
REGISTER_PAGES = ("persons", "places", "organisations", "dates")


@lru_cache(maxsize=8)
def _markers(key: str) -> tuple:
    """The placeholders and markers of a neutral page made with token key ``key`` (see
    tt:mode-token in xslt/html/common.xsl): (the placeholder pattern, the language
    placeholder, the parts written in some trees only, the parts never converted).

    - a placeholder: private-use characters around "tt", the key and a name
    - ``<!--tt-modeKEY M ...-->...<!--/tt-modeKEY-->``: a part written in the trees M only
      (in register.js, inside JSON strings, "<" is written \\u003c)
    - ``<!--tt-keepKEY-->...<!--/tt-keepKEY-->``: a part never converted (the labels of
      the script switch)

    The key is a hash of every input (:func:`token_key`): no text of the edition can
    hold a placeholder made with it, so none is ever filled in by mistake."""
    k = re.escape(key)
    token = "\ue000tt" + key + "-{}\ue000"
    lang = re.compile("\ue000tt" + k + "-lang:([^\ue000]*)\ue000")
    # one pattern per opener: each starts with a literal (found fast)
    mode_only = [re.compile(opener + r"!--tt-mode" + k + r" ([\w ]+)-->(.*?)(?:<|\\u003c)!--/tt-mode" + k + "-->", re.S)
                 for opener in ("<", r"\\u003c")]
    keep = re.compile(r"<!--tt-keep" + k + r"-->(.*?)<!--/tt-keep" + k + "-->", re.S)
    return token, lang, mode_only, keep


@lru_cache(maxsize=8)
def _ui_token(key: str) -> re.Pattern:
    """An interface string's placeholder (tt:ui in xslt/html/common.xsl): its name, then
    its values, each after U+E001."""
    k = re.escape(key)
    # the closing U+E000 is not the opening of a string given as a value (filled in first)
    return re.compile("\ue000tt" + k + "-ui:([^\ue000\ue001]+)((?:\ue001[^\ue000\ue001]*)*)\ue000(?!tt" + k + ")")


def token_key(*inputs: str) -> str:
    """The token key of a render: a hash of the digests of everything the pages are
    made from."""
    return sha256("\n".join(inputs).encode("utf-8"))[:16]


#: a Chinese language tag in an attribute, and inside register.js's JSON strings (where
#: its quotes are written \"): (pattern, the quote). Each pattern starts with a literal
#: (found fast), and the replacement is a literal too (no template expanded per match).
_ZH_LANG = [(re.compile(r'lang=(?<=\slang=)' + re.escape(q) + r'zh(?:-[A-Za-z]+)*' + re.escape(q)), q)
            for q in ('"', '\\"')]


def ui_catalogues(html_xslt: Path) -> dict[str, dict[str, str]]:
    """The interface's strings (xslt/html/ui/LANG.json), by language: en, zh."""
    out = {}
    for lang in ("en", "zh"):
        path = html_xslt / "ui" / f"{lang}.json"
        try:
            out[lang] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TreatyError(path, f"cannot read the interface's strings: {exc}") from None
        bad = next((k for k, v in out[lang].items() if not isinstance(v, str) or re.search(r'[&<>"]', v)), None)
        if bad:
            raise TreatyError(path, f"interface string '{bad}': not a string, or it holds & < > or \" "
                                    "(write “ ” for quotes)")
    return out


def _ui_string(catalogue: dict[str, str], name: str, values: str) -> str:
    """One interface string, its {1}, {2} … filled in with ``values`` (as the page wrote
    them, escaped where they stand; separated by U+E001). The catalogues hold no character
    that HTML escapes (& < > "), so a string stands as it is in a text or an attribute."""
    try:
        s = catalogue[name]
    except KeyError:
        raise TreatyError(Path("xslt/html/ui"), f"interface string '{name}' is missing from a catalogue") from None
    for i, v in enumerate(values.split("\ue001")[1:], start=1):
        s = s.replace("{" + str(i) + "}", v)
    return s


def for_mode(page: str, mode: str, key: str = "", ui: dict[str, dict[str, str]] | None = None) -> str:
    """A neutral page (or register.js) as written in one script tree: the placeholders
    (made with token key ``key``) resolved -- the interface's strings from ``ui`` (see
    :func:`ui_catalogues`): English in the tree of the sources' own characters, Chinese
    in the others -- and, in zh-Hans/ and zh-Hant/, all Chinese text converted and tagged
    as such. The whole page goes through OpenCC in one call:
    OpenCC maps only Chinese characters and phrases, which no markup character
    continues, so every text node and attribute value converts as it would alone, and
    the markup is left as it is."""
    token, lang_token, mode_only, keep = _markers(key)
    if ui is not None:
        catalogue = ui["en" if mode == "orig" else "zh"]
        filled: dict[str, str] = {}     # a page repeats its strings (every "Article 3" of a register)

        def fill(m) -> str:
            got = filled.get(m.group(0))
            if got is None:
                got = filled[m.group(0)] = _ui_string(catalogue, m.group(1), m.group(2))
            return got
        n = 1
        while n:        # a string given as a value of another is filled in first
            page, n = _ui_token(key).subn(fill, page)
    for pattern in mode_only:
        page = pattern.sub(lambda m: m.group(2) if mode in m.group(1).split() else "", page)
    for m in MODES:
        page = page.replace(f' aria-current="{token.format("current-" + m)}"', ' aria-current="true"' if m == mode else "")
    page = lang_token.sub(lambda m: m.group(1) if mode == "orig" else "zh-Hans" if mode == "hans" else "zh-Hant", page)
    up = "" if mode == "orig" else "../"
    # in a link Saxon writes the placeholder's private-use characters %-escaped
    page = page.replace(token.format("up"), up).replace(quote(token.format("up")), up).replace(token.format("mode"), mode)
    page = page.replace(quote(token.format("mode")), mode)
    if mode == "orig":
        return keep.sub(r"\1", page)
    convert = to_simplified if mode == "hans" else to_traditional_reading
    lang = "zh-Hans" if mode == "hans" else "zh-Hant"
    pieces = keep.split(page)   # even: converted; odd: kept
    for i in range(0, len(pieces), 2):
        piece = convert(pieces[i])
        for pattern, quote_mark in _ZH_LANG:
            if quote_mark in piece:   # the replacement's backslashes escaped: a literal, as the pattern's
                piece = pattern.sub(f"lang={quote_mark}{lang}{quote_mark}".replace("\\", "\\\\"), piece)
        pieces[i] = piece
    return "".join(pieces)


def page_file(page: str, target: str) -> str:
    """The file a page is written to (as tt:page-file in xslt/html/common.xsl)."""
    if page == "text":
        return f"{target}.html"
    if page == "collation":
        return f"collation-{target}.html"
    if page == "register-data":
        return "register.js"
    return f"{page}.html"


def pages(texts: list[str], works: list[str]) -> list[tuple[str, str, str]]:
    """(page, target, file name) of every page the stylesheet must write."""
    out = [("index", "")] + [("text", t) for t in texts] + [("collation", w) for w in works]
    out += [(p, "") for p in REGISTER_PAGES] + [("search", ""), ("register-data", "")]
    return [(p, t, page_file(p, t)) for p, t in out]


#: pages that read every text (registers, index): rendered together, by one job per mode
WHOLE_EDITION_PAGES = ("index.html",) + tuple(f"{p}.html" for p in REGISTER_PAGES)


# ------------------------------------------------------------------ preparing each TEI file

#: the version of what _prepare keeps: a new one prepares every file again
PREPARED_VERSION = 6


def _prepare(job: tuple) -> dict:
    """One TEI file, once per change of its bytes (a worker's job): what the page
    digests need (the names and dates of a text, its header, the witnesses of an
    apparatus) and a text's search records."""
    path, file_digest, cache, kind = job
    path, cache = Path(path), Path(cache)
    root = parse_file(path).getroot()
    info: dict = {"digest": file_digest, "kind": kind, "v": PREPARED_VERSION}
    # what the index page shows of a file: its fileDesc, its classification, its language
    shown = root.xpath("tei:teiHeader/tei:fileDesc | tei:teiHeader/tei:profileDesc/tei:textClass", namespaces=NS)
    info["head"] = sha256(b"".join(etree.tostring(e) for e in shown)) + (root.get(XML_LANG) or "") + (root.get(XML_ID) or "")
    if kind == "text":
        info["names"] = _names_digest(root)
        info["records"] = _text_records(root, path.stem)
    elif kind == "register":
        # each Chinese name in both scripts: a register entry lists its other names, but
        # not, in a converted tree, one that reads there as the entry's name itself
        names = {n.text for n in root.iter(*(f"{{{NS['tei']}}}{t}" for t in ("persName", "placeName", "orgName", "title", "term")))
                 if n.text and (n.get(XML_LANG) or "").startswith("zh")}
        info["forms"] = {n: [to_simplified(n), to_traditional_reading(n)] for n in sorted(names)}
    elif kind == "apparatus":
        info["witnesses"] = [[w.get("corresp") or "", w.get("n") or w.get(XML_ID) or ""]
                             for w in root.iterfind(".//{*}listWit/{*}witness")]
    write_cache(cache / "info" / f"{path.name}.json", json.dumps(info, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return info


def _names_digest(root) -> str:
    """A digest of all a register page or the index of dates shows of a text: every
    name and date (its markup and words), the section it stands in, the text's title."""
    parts = [root.get(XML_ID) or "", root.get(XML_LANG) or "",
             root.findtext(".//{*}titleStmt/{*}title[@type='main']") or ""]
    # for each element, what its children inherit: the nearest xml:lang, and the
    # sections (div, notesStmt) they stand in, nearest first -- one walk of the tree
    inherited: dict = {}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        parent = el.getparent()
        lang, where = inherited[parent] if parent is not None else ("", ())
        if el.get("ref") is not None or el.get("when") is not None:
            parts.append(etree.tostring(el, with_tail=False).decode("utf-8") + "@" + "/".join((lang,) + where))
        name = local(el)
        if name == "div":
            where = (f"{el.get('type')}|{el.get('n')}|{el.findtext('{*}head') or ''}",) + where
        elif name == "front":
            where = ("front",) + where
        inherited[el] = (el.get(XML_LANG) or lang, where)
    return sha256("\n".join(parts).encode("utf-8"))


def _prepared(project, files: list[str], cache: Path) -> dict[str, dict]:
    """The prepared state of every file, preparing those whose bytes changed."""
    infos: dict[str, dict] = {}
    todo = []
    for stale in ("hans", "hant"):   # the TEI script copies of version 1, no longer used
        if (cache / stale).exists():
            shutil.rmtree(cache / stale, ignore_errors=True)
    for f in files:
        path = project.tei / f
        d = file_sha256(path)
        kind = "register" if f == "register.xml" else "apparatus" if f.endswith(".apparatus.xml") else "text"
        try:
            info = json.loads((cache / "info" / f"{f}.json").read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            info = None
        if info and info.get("digest") == d and info.get("v") == PREPARED_VERSION:
            infos[f] = info
        else:
            todo.append((str(path), d, str(cache), kind))
    for info, job in zip(pmap(_prepare, todo, "prepare"), todo):
        infos[Path(job[0]).name] = info
    return infos


# ------------------------------------------------------------------ what each page is made from

def _common_digest(project, texts: list[str], app_files: list[str], infos: dict, witnesses: str) -> str:
    """What every page is made from: the stylesheets and assets, the manifest, the
    register, which texts and apparatus there are and their witnesses."""
    from .basemap import data_file
    from .buildstate import digest, tree_digest

    data = data_file(project.root) or ""
    return digest(tree_digest(project.xslt / "html"), project.manifest, infos["register.xml"]["digest"]
                  if "register.xml" in infos else "", " ".join(texts), " ".join(app_files), witnesses,
                  data)


def _page_digests(common: str, texts: list[str], app_files: list[str], infos: dict) -> dict[str, str]:
    from .buildstate import digest

    out = {"search.html": common, "register.js": common}
    for t in texts:
        out[f"{t}.html"] = digest(common, "text", infos[f"{t}.xml"]["digest"])
    for a in app_files:
        out[f"collation-{a[: -len('.apparatus.xml')]}.html"] = digest(common, "apparatus", infos[a]["digest"])
    names = digest(common, "names", *(infos[f"{t}.xml"]["names"] for t in texts))
    for p in REGISTER_PAGES:
        out[f"{p}.html"] = names
    out["index.html"] = digest(common, "headers", *(infos[f]["head"] for f in [f"{t}.xml" for t in texts] + app_files))
    return out


def _witnesses(app_files: list[str], infos: dict) -> str:
    """'file|apparatus|siglum' tokens for the stylesheet's witnesses parameter."""
    rows = []
    for a in app_files:
        for corresp, siglum in infos[a].get("witnesses", []):
            if corresp and siglum and not any(c.isspace() or c == "|" for c in corresp + siglum):
                rows.append(f"{corresp}|{a}|{siglum}")
    return " ".join(rows)


# ------------------------------------------------------------------ the step

def publish(project, out_dir: Path | None = None, state=None) -> Path:
    """Build the site into out_dir (default site/). With a BuildState, only the pages
    whose inputs changed since the last build are rendered again."""

    out_dir = Path(out_dir or project.site)
    edition_settings(project.manifest)      # a bad [edition] table: one line, before any page
    texts, app_files = _published(project)
    if not texts:
        raise TreatyError(project.tei, "no TEI texts to publish (run treatytei convert first)")
    works = [f[: -len(".apparatus.xml")] for f in app_files]
    entry = project.xslt / "html" / "edition.xsl"
    if not entry.exists():
        raise TreatyError(entry, "missing: the HTML stylesheets")
    files = site_files(project)
    from .fileio import tree_inside
    tree_inside(project.root, project.xslt, "stylesheet or asset")
    for f in files:     # the stylesheets read these with doc(): each checked first
        check_for_saxon(project.tei / f)

    cache = project.root / "build" / "html"
    infos = _prepared(project, files, cache)
    witnesses = _witnesses(app_files, infos)
    # (whether there is a print edition to link to changes the index page, so every page)
    common = _common_digest(project, texts, app_files, infos, witnesses) + \
        ("+print" if (project.dist / "treatytei-edition.pdf").exists() else "")
    wanted = _page_digests(common, texts, app_files, infos)
    all_pages = [name for _, _, name in pages(texts, works)]

    previous = (state.get("html", str(out_dir)) if state is not None else None) or {}
    old_pages = previous.get("pages", {}) if isinstance(previous, dict) else {}
    # page by page only on the site of the same stylesheets, assets, register and set of
    # texts (otherwise every page changes, and pages of a text no longer there must go)
    incremental = bool(old_pages) and previous.get("common") == common and (out_dir / "index.html").exists()
    todo = [n for n in all_pages
            if not incremental or old_pages.get(n) != wanted[n]
            or not all((out_dir / MODES[m] / n).exists() for m in MODES)]
    search_key = _search_digest(infos, texts, app_files)
    pdf = project.dist / "treatytei-edition.pdf"
    pdf_key = file_sha256(pdf) if pdf.exists() else ""
    if incremental and not todo and previous.get("search") == search_key and previous.get("pdf") == pdf_key:
        return out_dir

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=".site-pages-", dir=out_dir.parent))
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=out_dir.parent))
    os.chmod(staging, 0o755)    # mkdtemp makes it private; the site is for reading
    def stage() -> None:
        """Everything of the new site but the rendered pages, into staging."""
        if incremental:
            shutil.rmtree(staging)
            # the current site, hard-linked (no bytes copied); every changed file below
            # replaces its link, so the current site is never written into
            shutil.copytree(out_dir, staging, copy_function=_link, ignore=_not_dts(out_dir))
        else:
            shutil.copytree(project.xslt / "html" / "assets", staging / "assets")
        if not incremental or previous.get("search") != search_key:
            for mode, index in search_index(project, texts, infos, app_files).items():
                write_cache(staging / "assets" / f"search-index-{mode}.js", index.encode("utf-8"))
        (staging / "tei").mkdir(exist_ok=True)
        for f in files:
            if not incremental or (old_pages.get(f"tei/{f}") != infos[f]["digest"]):
                write_cache(staging / "tei" / f, (project.tei / f).read_bytes())
        if pdf.exists() and (not incremental or previous.get("pdf") != pdf_key):
            write_cache(staging / pdf.name, pdf.read_bytes())
        readme = out_dir / "README.md"
        if readme.exists() and not incremental:
            shutil.copy2(readme, staging / "README.md")

    try:
        forms = json.dumps(infos.get("register.xml", {}).get("forms", {}), ensure_ascii=False, sort_keys=True)
        key = token_key(common, *(infos[f]["digest"] for f in files))
        if len(todo) >= MIN_PARALLEL and workers() > 1:
            # the pages render on worker processes; this process stages the rest meanwhile
            with ThreadPoolExecutor(max_workers=1) as side:
                staged = side.submit(stage)
                try:
                    _render(project, todo, fresh, texts, app_files, witnesses, forms, key)
                except BaseException:
                    staged.exception()   # let it finish; the render's error is the one to report
                    raise
                staged.result()
        else:
            if todo:
                _render(project, todo, fresh, texts, app_files, witnesses, forms, key)
            stage()
        for prefix in MODES.values():
            for n in todo:
                dest = staging / prefix / n
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(fresh / prefix / n, dest)
        if (out_dir / "dts").is_dir():
            # the DTS answers are the dts step's (publish_dts): kept as they are, for it to update
            os.rename(out_dir / "dts", staging / "dts")
        swap_folder(staging, out_dir)       # readers see the old site or the new one
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    if state is not None:
        record = dict(wanted)
        record.update({f"tei/{f}": infos[f]["digest"] for f in files})
        state.put("html", str(out_dir), {"pages": record, "common": common, "search": search_key, "pdf": pdf_key})
    return out_dir


def _published(project) -> tuple[list[str], list[str]]:
    """The ids of the texts the site publishes (those of sources.toml converted to TEI),
    and the apparatus files."""
    texts = [s.id for s in load(project.manifest) if (project.tei / f"{s.id}.xml").exists()]
    return texts, sorted(p.name for p in project.tei.glob("*.apparatus.xml"))


def site_files(project) -> list[str]:
    """The TEI files the site publishes (and copies into site/tei/): the texts, the
    apparatus files and the register, in that order."""
    texts, app_files = _published(project)
    return [f"{t}.xml" for t in texts] + app_files + (["register.xml"] if project.register.exists() else [])


def _not_dts(out_dir: Path):
    """copytree's ignore: the site's dts/ folder, which is moved, not copied, and what a
    dts step that was stopped left of its new folder."""
    return lambda folder, names: [n for n in names if n == "dts" or n.startswith(".dts-")] if Path(folder) == out_dir else []


def _link(src, dst) -> None:
    try:
        os.link(src, dst)
    except OSError:  # a file system without hard links
        shutil.copy2(src, dst)


def _render(project, todo: list[str], fresh: Path, texts, app_files, witnesses: str, forms: str, key: str) -> None:
    """Render the pages in ``todo`` into the three script trees in ``fresh``: in this
    process for a few pages, else as jobs on every core -- the pages that read the whole
    edition (index, registers) as one job, the others in chunks."""
    kinds = {name: (page, target) for page, target, name in pages(texts, [a[: -len(".apparatus.xml")] for a in app_files])}
    whole = [kinds[n] for n in todo if n in WHOLE_EDITION_PAGES]
    # the costliest pages first (a collation page takes about three times a text page),
    # in chunks small enough that no worker is left with a long one at the end
    single = sorted((kinds[n] for n in todo if n not in WHOLE_EDITION_PAGES),
                    key=lambda k: (k[0] != "collation", k[0] == "text"))
    groups = [whole] if whole else []
    if single:
        size = max(25, -(-len(single) // (8 * workers())))
        groups += [single[i:i + size] for i in range(0, len(single), size)]
    jobs = [(str(project.root), str(fresh), texts, app_files, witnesses, forms, key, group) for group in groups]
    pmap(_render_pages, jobs, "html", min_items=1 if len(todo) >= MIN_PARALLEL else len(jobs) + 1)


def _scratch(fallback: str) -> str:
    """Where a job's neutral pages are written and read back once: memory (/dev/shm)
    where there is plenty of it, else beside the new site."""
    try:
        st = os.statvfs("/dev/shm")
        if st.f_bavail * st.f_frsize >= 1 << 30 and os.access("/dev/shm", os.W_OK):
            return "/dev/shm"
    except (OSError, AttributeError):   # no /dev/shm, or no statvfs (not a Unix)
        pass
    return fallback


def _render_pages(job: tuple) -> None:
    """Write some pages (a worker's job): rendered neutral in one transformation
    (page=some; a page reads only the documents it shows), then each written into the
    three script trees by for_mode."""
    from . import kinsoku
    from .basemap import base_map
    from .project import Project

    root, fresh, texts, app_files, witnesses, forms, key, todo = job
    project = Project(Path(root))
    entry = project.xslt / "html" / "edition.xsl"
    exe = saxon.compile_file(entry)
    proc = saxon.processor()
    ui = ui_catalogues(project.xslt / "html")
    neutral = Path(tempfile.mkdtemp(prefix=f"{NEUTRAL_PREFIX}{os.getpid()}-", dir=_scratch(fresh)))
    try:
        # the places map's base layers (Natural Earth, from node_modules/), for that page only
        box, layers = base_map(project.root, project.tei / "register.xml") if any(
            page == "places" for page, _ in todo) else ("", "")
        params = {"mode": "neutral", "tei-dir": project.tei.resolve().as_uri() + "/", "texts": " ".join(f"{t}.xml" for t in texts),
                  "map-bbox": box, "basemap": layers,
                  "base-url": edition_settings(project.manifest).get("base_url", ""),
                  "has-print": "yes" if (project.dist / "treatytei-edition.pdf").exists() else "",
                  "apparatus": " ".join(app_files), "witnesses": witnesses, "script-forms": forms, "token-key": key,
                  "page": "some", "target": " ".join(f"{page}:{target}" for page, target in todo)}
        exe.clear_parameters()
        for k, v in params.items():
            exe.set_parameter(k, proc.make_string_value(v))
        exe.set_base_output_uri(neutral.resolve().as_uri() + "/index.html")
        try:
            exe.call_template_returning_string(None)
        except Exception as exc:
            raise TreatyError(entry, f"site: {str(exc).splitlines()[0]}") from None
        for prefix in MODES.values():
            (Path(fresh) / prefix).mkdir(parents=True, exist_ok=True)
        for page, target in todo:
            name = page_file(page, target)
            try:
                text = (neutral / name).read_text(encoding="utf-8")
            except FileNotFoundError:
                raise TreatyError(entry, f"site: the stylesheet did not write {name}") from None
            if page == "collation":
                text = kinsoku.bind(text)
            for mode, prefix in MODES.items():
                (Path(fresh) / prefix / name).write_bytes(for_mode(text, mode, key, ui).encode("utf-8"))
    finally:
        shutil.rmtree(neutral, ignore_errors=True)


# ------------------------------------------------------------------ search

def _text_records(root, t: str) -> list[dict]:
    """The search records of one text: one per passage (paragraph, heading, list item,
    table cell, editorial note), with its text in the three scripts (the match key is made
    in the browser)."""
    records = []
    title = root.findtext(".//{*}titleStmt/{*}title[@type='main']") or t
    lang = root.get(XML_LANG)
    blocks = root.xpath("//tei:text/tei:front//tei:ab[@type='date' or @type='collapsed' or @type='note'] | //tei:text/tei:body//tei:p | //tei:text//tei:head"
                        " | //tei:text//tei:item | //tei:text//tei:cell | //tei:text/tei:body//tei:ab", namespaces=NS)
    for b in blocks:
        if any(up.tag in _BLOCKS for up in b.iterancestors()):
            continue
        text = original_text(b)
        if not text.strip():
            continue
        anchor, label = _section(b)
        rec = {"url": f"{t}.html#{anchor}", "label": f"{title} · {label}", "text": text, "lang": lang}
        dates = sorted({d for d in b.xpath(".//tei:date/@when | .//tei:date/@notBefore", namespaces=NS)})
        if dates:
            rec["dates"] = dates
        records.append(rec)
    # the passages converted in one OpenCC call per script, joined by U+FFFF (which XML
    # text cannot hold, and at which no phrase of OpenCC's continues)
    texts = [r["text"] for r in records]
    for key, convert in (("hans", to_simplified), ("hant", to_traditional_reading)):
        for r, converted in zip(records, convert(_SEP.join(texts)).split(_SEP)):
            r[key] = converted
    return records


_SEP = "\uffff"


def _search_digest(infos: dict, texts: list[str], app_files: list[str] = ()) -> str:
    from .buildstate import digest

    return digest(" ".join(texts), *(infos[f"{t}.xml"]["digest"] for t in texts),
                  infos["register.xml"]["digest"] if "register.xml" in infos else "",
                  " ".join(app_files), *(infos[a]["digest"] for a in app_files if a in infos))


def search_index(project, texts: list[str], infos: dict | None = None, app_files: list[str] = ()) -> dict[str, str]:
    """The static search index: one record per passage of every text and per register
    entry, with its text in the three scripts and its match key (script and listed
    variants folded, one character per character, the same key the enricher uses); and
    the character map the browser folds queries with. A text's records come from its
    prepared state when given (``infos``), else from the file. Each variant of a collation
    is a record too ("A 議定 / B 定议"), leading to its readings (``#app-ID``)."""
    records = []
    for t in texts:
        info = (infos or {}).get(f"{t}.xml")
        records += info["records"] if info else _text_records(parse_file(project.tei / f"{t}.xml").getroot(), t)
    for a in app_files:
        records += _variant_records(parse_file(project.tei / a).getroot(), a)
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
    # the match key is computed in the browser from the passage as its tree shows it
    # (edition.js, with this map): every character of every tree's passages is covered
    chars = set().union(*(r[k] for r in records for k in ("text", "hans", "hant"))) if records else set()
    cmap = {}
    for c in sorted(chars | {to_traditional(c) for c in chars} | {to_simplified(c) for c in chars}):
        for form in c:
            k = search_key(form)
            if k != form and ord(form) >= 0x2E80:     # letters are folded by edition.js itself
                cmap[form] = k
    names = _name_keys(parse_file(reg).getroot()) if reg.exists() else []
    # one index per script tree, each passage in that tree's characters only (a reader
    # loads the third of it their tree shows)
    out = {}
    labels = [r["label"] for r in records]
    # the titles converted in one OpenCC call per script (as the passages are)
    shown = {"orig": labels, "hans": to_simplified(_SEP.join(labels)).split(_SEP),
             "hant": to_traditional_reading(_SEP.join(labels)).split(_SEP)}
    for mode in MODES:
        tree = [{k: v for k, v in r.items() if k not in ("hans", "hant")}
                | {"text": r["text"] if mode == "orig" else r[mode], "label": label}
                for r, label in zip(records, shown[mode])]
        data = {"map": cmap, "records": tree, "names": names}
        out[mode] = "window.TREATYTEI_SEARCH = " + json.dumps(data, ensure_ascii=False, sort_keys=True,
                                                                separators=(",", ":")) + ";\n"
    return out


def _variant_records(root, file: str) -> list[dict]:
    """One search record per variant of a collation: each reading with its sigla."""
    page = f"collation-{file[: -len('.apparatus.xml')]}.html"
    sigla = {w.get(XML_ID): w.get("n") or w.get(XML_ID) for w in root.iterfind(".//{*}listWit/{*}witness")}
    out = []
    for app in root.xpath("//tei:body//tei:app[@type='substantive' or @type='orthographic']", namespaces=NS):
        parts = []
        for rdg in app.iterfind(q("rdg")):
            if rdg.get("type") in ("lac", "silent"):
                continue
            ids = [w.lstrip("#") for w in (rdg.get("wit") or "").split()]
            text = _reading_text(rdg, ids[0] if ids else "")
            parts.append(" ".join(sigla.get(i, i) for i in ids) + " " + (text or "om."))
        if len(parts) < 2:
            continue
        anchor, label = _section(app)
        out.append(_record(f"{page}#app-{app.get(XML_ID)}", f"Collated treaty · {label} · variant",
                           " / ".join(parts), root.get(XML_LANG) or "zh-Hans"))
    return out


def _reading_text(rdg, wit: str) -> str:
    """A reading in its witness's own characters (its choice/orig where it has one, its
    reading of a variant nested in it)."""
    from .apparatus_tei import witness_text

    return witness_text(rdg, wit).strip()


def _record(url: str, label: str, text: str, lang: str) -> dict:
    return {"url": url, "label": label, "text": text, "hans": to_simplified(text), "hant": to_traditional_reading(text),
            "lang": lang}


def _fold_letter(c: str) -> str:
    """A Latin, Greek or Cyrillic letter without its accents and case (one character for
    one: the search keeps positions); any other character as it is."""
    if ord(c) < 0x2E80 and c.isalpha():
        base = unicodedata.normalize("NFD", c)[0].lower()
        return base if len(base) == 1 else c
    return c


def search_key(text: str) -> str:
    """The search's match key of a text, one character per character: Chinese as the
    enricher keys it (script and listed variants folded), letters without case and accents
    (edition.js folds a query the same way)."""
    return "".join(_fold_letter(c) for c in match_key(text))


def _name_keys(root) -> list:
    """[romanised key, [Chinese names]] for every register entry: its Hanyu Pinyin and its
    names in letters, without tone marks, case and spaces (what a historian types:
    "Tulishan", "kyakhta"), each with the entry's Chinese names."""
    out = []
    for ent in root.xpath("//tei:person | //tei:place | //tei:org | //tei:category | //tei:listBibl/tei:bibl", namespaces=NS):
        names = ent.xpath("tei:persName | tei:placeName | tei:orgName | tei:title | tei:catDesc/tei:term", namespaces=NS)
        chinese = sorted({n.text for n in names if n.text and (n.get(XML_LANG) or "").startswith("zh-H")})
        if not chinese:
            continue
        for n in names:
            lang = n.get(XML_LANG) or ""
            if n.text and not lang.startswith("zh-H"):
                key = re.sub(r"[^\w]", "", search_key(n.text))
                if key:
                    out.append([key, chinese])
    return sorted(out)


#: the blocks a search passage never stands inside
_BLOCKS = {q(n) for n in ("p", "item", "cell")}
_DIV, _FRONT = q("div"), q("front")


def _section(el) -> tuple[str, str]:
    """(anchor, label) of the section a block stands in, as the pages name them."""
    d = None
    for up in el.iterancestors():   # one walk up: the nearest such div, and any notesStmt
        if up.tag == _FRONT:
            return "note", "Editorial note"
        if d is None and up.tag == _DIV and up.get("type") in ("article", "preamble", "section"):
            d = up
    if d is None:
        return "main", "Opening"
    if d.get("type") == "article":
        return f"art-{d.get('n')}", f"Article {d.get('n')}"
    if d.get("type") == "preamble":
        return "preamble", "Preamble"
    return f"sec-{d.get('n')}", "§ " + (d.findtext("{*}head") or d.get("n"))
