"""Step: publish pdf. TEI -> print HTML (XSLT 3.0, xslt/print/print.xsl, Saxon) ->
PDF with WeasyPrint (CSS Paged Media: running heads, page numbers, page references),
Chinese set in Noto Serif CJK, embedded. Written atomically to dist/.

The volume is typeset in parts, one per text and one per collation, then the registers
(the back) and the title page and contents (the front, numbered i, ii, ...). Each part
is kept in build/pdf/ under a hash of its HTML and the page it starts on, so a rebuild
typesets only the parts that changed (and the registers and contents, whose page
numbers may have moved), and no more than one part is ever in memory at once. The
parts are put together with pikepdf (qpdf): the pages in order, one name tree of link
targets, links across parts (written tt-xref:ANCHOR) turned into links inside the PDF,
one outline, page labels, and each font embedded once, subset for the whole volume
(fontsubset)."""

from __future__ import annotations

import json
import logging
import re
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import __version__, saxon
from .errors import TreatyError
from .parallel import _worker_init
from .tei import check_for_saxon
from .fileio import sha256, write_atomic, write_cache
from .header import EDITION_DATE
from .manifest import load

PDF_NAME = "treatytei-edition.pdf"
#: the PDF/A part and conformance level the volume is made to (ISO 19005-3, level A:
#: tagged, every glyph mapped to Unicode); package.py writes it into the bag's metadata
PDF_VARIANT = "pdf/a-3a"
PDFA_PART, PDFA_CONFORMANCE = "3", "A"
XREF = "tt-xref:"
_PART_MARK = re.compile(r"<!--tt-part ([A-Za-z0-9._-]+)-->")


NAME_MARKS = ("lines", "colours")


def _stylesheet(project, part: str, pages: dict | None = None, name_marks: str = "lines") -> str:
    sources = load(project.manifest)
    texts = [s.id for s in sources if (project.tei / f"{s.id}.xml").exists()]
    if not texts:
        raise TreatyError(project.tei, "no TEI texts to print (run treatytei convert first)")
    apps = sorted(p.name for p in project.tei.glob("*.apparatus.xml"))
    entry = project.xslt / "print" / "print.xsl"
    if not entry.exists():
        raise TreatyError(entry, "missing: the print stylesheets")
    exe = saxon.compile_file(entry)
    proc = saxon.processor()
    exe.clear_parameters()
    params = {"tei-dir": project.tei.resolve().as_uri() + "/", "texts": " ".join(f"{t}.xml" for t in texts),
              "apparatus": " ".join(apps), "edition-date": EDITION_DATE, "version": __version__, "mode": "orig",
              "part": part, "pages": json.dumps(pages or {}, sort_keys=True), "name-marks": name_marks,
              "fold": json.dumps(fold_map(project.tei / a for a in apps), sort_keys=True, ensure_ascii=False)}
    for k, v in params.items():
        exe.set_parameter(k, proc.make_string_value(v))
    try:
        return exe.call_template_returning_string(None)
    except Exception as exc:
        raise TreatyError(entry, f"print stylesheet failed: {str(exc).splitlines()[0]}") from None


def fold_map(files) -> dict[str, str]:
    """{character: normal form} for every Han character of the apparatus files whose
    normal form differs: OpenCC's simplified form, a variant form (data/variants.tsv)
    taken to its standard form. The print compares readings through it, so that a
    reading that differs only in script or by a variant character is not noted."""
    from .chinese import is_han, script_normal, variant_rows

    standard = {a: b for a, b, _ in variant_rows()}
    chars = set()
    for f in files:
        chars |= set(Path(f).read_text(encoding="utf-8"))
    out = {}
    for c in sorted(chars):
        if is_han(c):
            n = script_normal(standard.get(c, c))
            n = script_normal(standard.get(n, n))
            if n != c:
                out[c] = n
    return out


def body_parts(project, name_marks: str = "lines") -> list[tuple[str, str]]:
    """(name, HTML document) for every text and every collation, in the book's order."""
    html = _stylesheet(project, "body", name_marks=name_marks)
    marks = list(_PART_MARK.finditer(html))
    return [(m.group(1), html[m.end():marks[i + 1].start() if i + 1 < len(marks) else len(html)])
            for i, m in enumerate(marks)]


def inputs_digest(project) -> str:
    from .buildstate import digest, tree_digest

    return digest(tree_digest(project.tei, pattern="*.xml"), tree_digest(project.xslt / "print"),
                  tree_digest(project.xslt / "html", pattern="*.xsl"), project.manifest)


# --- typesetting one part (in a worker process: WeasyPrint's memory goes with it) ---

_FONT_SHA: dict = {}
_FONT_CONFIG = []      # one WeasyPrint FontConfiguration per worker: fonts are looked up once


def _font_file(font, fonts_dir: str) -> str:
    """The SHA-256 of the font file behind a WeasyPrint font, the file kept under that
    name in ``fonts_dir``. Hashing 20 MB per font per part would cost more than the
    part, so a file is known again by its length and its first and last 64 KiB."""
    from weasyprint.text.ffi import ffi, harfbuzz

    blob = harfbuzz.hb_face_reference_blob(font.hb_face)
    try:
        length = ffi.new("unsigned int *")
        view = ffi.buffer(harfbuzz.hb_blob_get_data(blob, length), length[0])
        seen = (length[0], bytes(view[:65536]), bytes(view[-65536:]))
        if seen not in _FONT_SHA:
            full = bytes(view)
            _FONT_SHA[seen] = sha = sha256(full)
            if not (Path(fonts_dir) / sha).exists():
                write_cache(Path(fonts_dir) / sha, full)
        return _FONT_SHA[seen]
    finally:
        harfbuzz.hb_blob_destroy(blob)


def _first_page_rule(start: int | None) -> str:
    # WeasyPrint numbers the first page with the value the counter is reset to
    return f"@page :first {{ counter-reset: page {start} }}" if start else ""


def _font_config():
    if not _FONT_CONFIG:
        from weasyprint.text.fonts import FontConfiguration

        _FONT_CONFIG.append(FontConfiguration())
    return _FONT_CONFIG[0]


def _warm_up() -> None:
    """The worker's first job: WeasyPrint imported, its font configuration made."""
    import weasyprint  # noqa: F401

    _font_config()


def typeset_part(job: tuple[str, str, int | None, str, str]) -> dict:
    """Typeset one part into ``pdf_path``; return its pages, where each anchor is
    (page index in the part) and the fonts it embeds (full font kept in ``fonts_dir``)."""
    html, base_url, start, pdf_path, fonts_dir = job
    import weasyprint

    # WeasyPrint reports unsupported CSS at WARNING level; keep the build's output clean
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    config = _font_config()
    extra = [weasyprint.CSS(string=_first_page_rule(start), font_config=config)] if start else []
    doc = weasyprint.HTML(string=html, base_url=base_url).render(stylesheets=extra, font_config=config)
    anchors = {}
    for i, page in enumerate(doc.pages):
        for name in page.anchors:
            anchors.setdefault(name, i)
    # PDF/A-3a: tagged (a structure tree), an output intent, XMP; merge() joins the parts'
    data = doc.write_pdf(pdf_identifier=b"treatytei-part", pdf_variant=PDF_VARIANT)
    fonts = []
    for font in doc.fonts.values():
        if font.bitmap or not font.to_unicode:
            continue
        fonts.append({"name": font.name.decode("latin-1").lstrip("/"), "font": _font_file(font, fonts_dir),
                      "index": font.index, "gids": sorted(font.to_unicode), "notdef": bool(font.missing)})
    write_cache(Path(pdf_path), data)
    return {"pages": len(doc.pages), "anchors": anchors, "fonts": fonts}


@dataclass
class Part:
    name: str
    path: Path
    meta: dict


class _Typesetter:
    """Parts from the cache in build/pdf/parts/, or typeset in one worker process,
    started when the first part needs it."""

    def __init__(self, project):
        self.project = project
        self.cache = project.root / "build" / "pdf"
        self.fonts = self.cache / "fonts"
        self.base_url = str((project.xslt / "print").resolve()) + "/"
        import importlib.metadata
        import multiprocessing

        from .buildstate import digest, tree_digest

        # the version from the package's metadata: importing WeasyPrint here would cost
        # this process a second
        self.salt = digest(tree_digest(project.xslt / "print"), importlib.metadata.version("weasyprint"), PDF_VARIANT)
        # the worker starts now and loads WeasyPrint and the fonts while this process
        # makes the parts' HTML (the step runs only when its inputs changed, so a part
        # almost always needs typesetting)
        self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init)
        self.pool.submit(_warm_up)
        self.used: set[str] = set()
        self.typeset = 0

    def part(self, name: str, html: str, start: int | None) -> Part:
        from .buildstate import digest

        key = digest(self.salt, html, _first_page_rule(start))
        pdf, meta_path = self.cache / "parts" / f"{key}.pdf", self.cache / "parts" / f"{key}.json"
        self.used |= {pdf.name, meta_path.name}
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if pdf.exists() and all((self.fonts / f["font"]).exists() for f in meta["fonts"]):
                return Part(name, pdf, meta)
        except (OSError, ValueError, KeyError, TypeError):
            pass
        try:
            meta = self.pool.submit(typeset_part, (html, self.base_url, start, str(pdf), str(self.fonts))).result()
        except Exception as exc:
            raise TreatyError(self.project.xslt / "print", f"WeasyPrint failed on part {name}: {exc}") from None
        write_cache(meta_path, json.dumps(meta, sort_keys=True).encode("utf-8"))
        self.typeset += 1
        return Part(name, pdf, meta)

    def close(self, prune: bool) -> None:
        # not waiting: if every part came from the cache, the warm-up may still be
        # running, and nothing needs it to finish
        self.pool.shutdown(wait=False, cancel_futures=True)
        if not prune:
            return
        # what a finished build did not use is gone (an edited text leaves its old parts behind)
        for f in sorted((self.cache / "parts").glob("*")) if (self.cache / "parts").exists() else []:
            if f.name not in self.used:
                f.unlink(missing_ok=True)


def typeset(project, name_marks: str = "lines") -> tuple[list[Part], int]:
    """Every part, numbered through: the body from page 1, the back after it, then the
    front (its page numbers in the contents come from the others). Also returns how many
    parts had to be typeset (the others came from the cache)."""
    setter = _Typesetter(project)
    done = False
    try:
        body, pages, start = [], {}, 1
        for name, html in body_parts(project, name_marks):
            part = setter.part(name, html, start)
            body.append(part)
            for anchor, i in part.meta["anchors"].items():
                pages.setdefault(anchor, start + i)
            start += part.meta["pages"]
        back = setter.part("back", _stylesheet(project, "back", pages, name_marks), start)
        for anchor, i in back.meta["anchors"].items():
            pages.setdefault(anchor, start + i)
        front = setter.part("front", _stylesheet(project, "front", pages, name_marks), None)
        done = True
    finally:
        setter.close(prune=done)
    return [front, *body, back], setter.typeset


# --- putting the parts together ---

def _outline_items(item, page_index, offset, pikepdf):
    """An outline entry of a part, pointing at the same place in the whole volume."""
    dest = item.destination
    page, left, top = offset, None, None
    if isinstance(dest, pikepdf.Array) and len(dest) >= 4 and dest[0].objgen in page_index:
        page, left, top = offset + page_index[dest[0].objgen], float(dest[2]), float(dest[3])
    made = pikepdf.OutlineItem(str(item.title), page, pikepdf.PageLocation.XYZ, left=left, top=top)
    for child in item.children:
        made.children.append(_outline_items(child, page_index, offset, pikepdf))
    return made


#: what the merged subsets depend on besides their font and glyphs: the subsetter
_SUBSETTER = sha256(Path(__file__).with_name("fontsubset.py").read_bytes())


class _Structure:
    """The parts' structure trees (tagged PDF) joined into one: the elements under one
    Document element, the parent tree renumbered (each part's keys shifted past the
    keys of the parts before it), the pages' and annotations' keys shifted with it."""

    def __init__(self, out, pikepdf):
        self.out, self.pikepdf = out, pikepdf
        self.kids, self.nums, self.next_key = [], [], 0
        self.role_map = None

    def copy(self, obj, src):
        """An object of the part ``src`` in the volume (qpdf copies an indirect object
        once per source, so the pages copied before are the pages its elements point to;
        a direct one is made indirect in its part first, so that qpdf copies it whole)."""
        pikepdf = self.pikepdf
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
            return self.out.copy_foreign(obj if obj.is_indirect else src.make_indirect(obj))
        return obj

    def add(self, src, first_page: int) -> None:
        root = src.Root.get("/StructTreeRoot")
        if root is None:
            return
        pikepdf = self.pikepdf
        offset = self.next_key
        nums = root.get("/ParentTree", {}).get("/Nums", [])
        top = 0
        for i in range(0, len(nums), 2):
            key = int(nums[i])
            self.nums += [key + offset, self.copy(nums[i + 1], src)]
            top = max(top, key + 1)
        for page in self.out.pages[first_page:first_page + len(src.pages)]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
        self.next_key = offset + max(top, int(root.get("/ParentTreeNextKey", 0)))
        kids = root.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        for kid in kids:
            kid = self.copy(kid, src)
            # a part's Document element gives its children to the volume's
            if kid.get("/S") == pikepdf.Name.Document:
                inner = kid.get("/K")
                self.kids += list(inner) if isinstance(inner, pikepdf.Array) else [inner] if inner is not None else []
            else:
                self.kids.append(kid)
        if self.role_map is None and "/RoleMap" in root:
            self.role_map = self.copy(root.RoleMap, src)

    def write(self) -> None:
        if not self.kids:
            return
        pikepdf = self.pikepdf
        document = self.out.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document))
        root = self.out.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.StructTreeRoot, K=document,
            ParentTree=pikepdf.Dictionary(Nums=pikepdf.Array(self.nums)), ParentTreeNextKey=self.next_key))
        if self.role_map is not None:
            root.RoleMap = self.role_map
        document.P = root
        document.K = pikepdf.Array(self.kids)
        for kid in self.kids:
            if isinstance(kid, pikepdf.Dictionary):
                kid.P = document
        self.out.Root.StructTreeRoot = root
        self.out.Root.MarkInfo = pikepdf.Dictionary(Marked=True)


def _xmp(docinfo, header: dict) -> bytes:
    """XMP metadata: the document information dictionary's values (PDF/A requires the
    two to agree) and, from the TEI headers, the texts' titles, languages, sources and
    licences, and the PDF/A identification."""
    from xml.sax.saxutils import escape

    def info(key):
        v = docinfo.get(key)
        return escape(str(v)) if v is not None else ""

    def xmp_date(key):
        v = str(docinfo.get(key, ""))          # D:YYYYMMDDHHmmSS...
        m = re.match(r"D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})", v)
        return f"{m[1]}-{m[2]}-{m[3]}T{m[4]}:{m[5]}:{m[6]}Z" if m else ""

    def bag(items):
        return "".join(f"<rdf:li>{escape(x)}</rdf:li>" for x in items)

    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>{PDFA_PART}</pdfaid:part><pdfaid:conformance>{PDFA_CONFORMANCE}</pdfaid:conformance>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{info("/Title")}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{info("/Author")}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{info("/Subject")}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag>{bag(header["languages"])}</rdf:Bag></dc:language>
<dc:source><rdf:Bag>{bag(header["sources"])}</rdf:Bag></dc:source>
<dc:relation><rdf:Bag>{bag(header["titles"])}</rdf:Bag></dc:relation>
<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{escape(" ".join(header["licences"]))}</rdf:li></rdf:Alt></dc:rights>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>{info("/Producer")}</pdf:Producer><pdf:Keywords>{info("/Keywords")}</pdf:Keywords>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreatorTool>{info("/Creator")}</xmp:CreatorTool>
<xmp:CreateDate>{xmp_date("/CreationDate")}</xmp:CreateDate><xmp:ModifyDate>{xmp_date("/ModDate")}</xmp:ModifyDate>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>""".encode("utf-8")


def tei_header(files) -> dict:
    """What the XMP metadata takes from the TEI headers: titles, languages, the sources'
    addresses and the licences, each once, in file order."""
    from lxml import etree

    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    out = {"titles": [], "languages": [], "sources": [], "licences": []}

    def add(key, values):
        for v in values:
            v = " ".join(str(v).split())
            if v and v not in out[key]:
                out[key].append(v)

    for f in files:
        root = etree.parse(str(f)).getroot()
        add("titles", root.xpath("t:teiHeader/t:fileDesc/t:titleStmt/t:title[@type='main']//text()", namespaces=ns)[:1])
        add("languages", root.xpath("@xml:lang"))
        add("sources", root.xpath("t:teiHeader/t:fileDesc/t:sourceDesc//t:ref/@target", namespaces=ns))
        add("licences", root.xpath("t:teiHeader/t:fileDesc/t:publicationStmt//t:licence/text()", namespaces=ns))
    return out


def _attach(out, files, pikepdf, date: str) -> None:
    """The TEI files inside the PDF (PDF/A-3 associated files, relationship Source:
    the XML the print was made from)."""
    specs = pikepdf.Array()
    for f in files:
        spec = pikepdf.AttachedFileSpec(out, Path(f).read_bytes(), filename=Path(f).name,
                                        description=f"TEI P5 source of this edition: {Path(f).name}",
                                        mime_type="application/tei+xml", creation_date=date, mod_date=date,
                                        relationship=pikepdf.Name.Source)
        out.attachments[Path(f).name] = spec
        specs.append(out.attachments[Path(f).name].obj)
    out.Root.AF = specs


def merge(parts: list[Part], fonts_dir: Path, attach: list | None = None) -> bytes:
    """The parts as one PDF (see the module's notes). Font subsets are kept in
    ``fonts_dir``/../subsets; those this volume does not use are removed, and so are the
    full fonts in ``fonts_dir`` that none of its parts embeds."""
    import contextlib
    import io

    import pikepdf

    from .buildstate import digest
    from .fontsubset import subset

    used_subsets: set[str] = set()

    out = pikepdf.new()
    structure = _Structure(out, pikepdf)
    names: dict[str, pikepdf.Array] = {}
    outline = []
    font_uses: dict[tuple[str, int], dict] = {}
    descriptors = []   # (descriptor, font key)
    front_pages = parts[0].meta["pages"]
    # the parts stay open until the volume is written: qpdf reads their streams then
    with contextlib.ExitStack() as sources:
        front = None
        for part in parts:
            src = sources.enter_context(pikepdf.open(part.path))
            front = front or src
            offset = len(out.pages)
            with warnings.catch_warnings():
                # pages.extend warns that it does not carry named destinations: the
                # loop below carries them over itself
                warnings.simplefilter("ignore")
                out.pages.extend(src.pages)
            structure.add(src, offset)
            page_index = {p.obj.objgen: i for i, p in enumerate(src.pages)}
            # link targets: the first part to name an anchor owns it
            dests = src.Root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
            for i in range(0, len(dests), 2):
                name, dest = str(dests[i]), dests[i + 1]
                idx = page_index.get(dest[0].objgen)
                if idx is not None and name not in names:
                    names[name] = pikepdf.Array([out.pages[offset + idx].obj, *list(dest)[1:]])
            with src.open_outline() as ol:
                outline += [_outline_items(it, page_index, offset, pikepdf) for it in ol.root]
            by_name = {f["name"]: f for f in part.meta["fonts"]}
            seen = set()
            for page in out.pages[offset:offset + len(src.pages)]:
                # the fonts of this part, by their names
                for font in page.obj.get("/Resources", {}).get("/Font", {}).values():
                    if font.objgen in seen or "/DescendantFonts" not in font:
                        continue
                    seen.add(font.objgen)
                    rec = by_name.get(str(font.BaseFont).lstrip("/"))
                    if rec is None:
                        continue
                    key = (rec["font"], rec["index"])
                    use = font_uses.setdefault(key, {"gids": set(), "notdef": False})
                    use["gids"] |= set(rec["gids"])
                    use["notdef"] |= rec["notdef"]
                    descriptors.append((font.DescendantFonts[0].FontDescriptor, key))
                # links across parts become links inside the PDF
                for annot in page.obj.get("/Annots", []):
                    action = annot.get("/A")
                    uri = str(action.get("/URI", "")) if action is not None else ""
                    if uri.startswith(XREF):
                        del annot["/A"]
                        annot.Dest = pikepdf.String(uri[len(XREF):])
        # each font once, subset for every part (kept by what it is made from: an edit
        # that brings no new glyph reuses the subsets of the last build)
        streams = {}
        subsets = fonts_dir.parent / "subsets"
        for key, use in sorted(font_uses.items()):
            made = digest(_SUBSETTER, key[0], key[1], " ".join(map(str, sorted(use["gids"]))), use["notdef"])
            kept = subsets / made
            if kept.exists():
                data = kept.read_bytes()
            else:
                data = subset((fonts_dir / key[0]).read_bytes(), key[1], use["gids"], use["notdef"])
                write_cache(kept, data)
            used_subsets.add(made)
            extra = {"Subtype": pikepdf.Name.OpenType} if data[:4] == b"OTTO" else {"Length1": len(data)}
            streams[key] = out.make_stream(data, **extra)
        for descriptor, key in descriptors:
            for slot in ("/FontFile2", "/FontFile3"):
                if slot in descriptor:
                    descriptor[slot] = streams[key]
        if names:
            arr = pikepdf.Array()
            for name in sorted(names):
                arr.append(pikepdf.String(name))
                arr.append(names[name])
            out.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=arr))
        with out.open_outline() as ol:
            ol.root.extend(outline)
        out.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array([
            0, pikepdf.Dictionary(S=pikepdf.Name.r),
            front_pages, pikepdf.Dictionary(S=pikepdf.Name.D, St=1)]))
        if "/Lang" in front.Root:
            out.Root.Lang = front.Root.Lang
        for k, v in front.docinfo.items():
            out.docinfo[k] = v
        structure.write()
        if "/OutputIntents" in front.Root:
            out.Root.OutputIntents = structure.copy(front.Root.OutputIntents, front)
        out.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
        files = sorted(attach or [])
        if files:
            _attach(out, files, pikepdf, str(front.docinfo.get("/CreationDate", "")))
        out.Root.Metadata = out.make_stream(_xmp(out.docinfo, tei_header(files)),
                                            Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
        buf = io.BytesIO()
        out.save(buf, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    for f in sorted(subsets.glob("*")) if subsets.exists() else []:
        if f.name not in used_subsets:
            f.unlink(missing_ok=True)
    # and the full fonts no part uses (a font the stylesheets no longer ask for: ~20 MB each)
    used_fonts = {f["font"] for part in parts for f in part.meta["fonts"]}
    for f in sorted(fonts_dir.glob("*")) if fonts_dir.exists() else []:
        if f.name not in used_fonts and not f.name.startswith("."):
            f.unlink(missing_ok=True)
    return buf.getvalue()


def _merge_and_check(parts: list[Part], fonts_dir: Path, attach: list) -> tuple[bytes, list[str]]:
    """merge(), then the archival checks of pdfa.py on the result (qpdf's own syntax
    check of every object is left to the tests: the file was just written by qpdf, and
    the check costs as much as the merge)."""
    from .pdfa import problems

    data = merge(parts, fonts_dir, attach=attach)
    return data, problems(data, syntax=False)


def publish(project, out: Path | None = None, state=None, name_marks: str = "lines") -> Path:
    """Write the PDF. With a BuildState, nothing is done when the TEI and the
    stylesheets are as at the last build. ``name_marks``: proper names and titles
    marked with lines (專名線 / 書名線) or with colours."""
    if name_marks not in NAME_MARKS:
        raise TreatyError(Path("name-marks"), f"unknown name marks '{name_marks}' (lines or colours)")
    out = Path(out or project.dist / PDF_NAME)
    key = (inputs_digest(project) + ":" + name_marks) if state is not None else None
    if state is not None and state.get("pdf", str(out)) == key and out.exists():
        return out
    from .fileio import tree_inside
    tree_inside(project.root, project.xslt, "stylesheet or asset")
    for f in project.tei_files():     # the stylesheets read these with doc()
        check_for_saxon(f)
    parts, _ = typeset(project, name_marks)
    # the parts are put together and checked in a process of their own: qpdf holds every
    # part and the volume at once, and that memory goes with the process
    import multiprocessing

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init) as pool:
        try:
            data, found = pool.submit(_merge_and_check, parts, project.root / "build" / "pdf" / "fonts",
                                      project.tei_files()).result()
        except Exception as exc:
            raise TreatyError(out, f"could not put the parts of the PDF together: {exc}") from None
    if found:
        raise TreatyError(out, f"the PDF breaks a PDF/A or tagging requirement ({len(found)}): {found[0]}")
    write_atomic(out, data)
    if state is not None:
        state.put("pdf", str(out), key)
    return out
