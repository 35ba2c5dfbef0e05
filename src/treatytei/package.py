"""Step: package. The edition as a BagIt bag for archive deposit (dist/treatytei-bag/)
and its zip (dist/treatytei-bag.zip).

Payload: the TEI files and the register; the schema (RELAX NG, compact source,
Schematron, documentation, TEI P5 tei_all); a Dublin Core record per TEI file, derived
from its header; the print edition; and, on request, the built site (a derived product,
and three trees of pages: large for a large edition). bag-info.txt is
filled from the TEI headers; manifests in SHA-256 and SHA-512. Packaging refuses TEI
that does not validate or whose header lacks what an archive needs (licence, source,
responsibility statements, revision history). The zip is reproducible: entries sorted,
fixed timestamps and permissions.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

from . import __version__
from .errors import TreatyError
from .fileio import write_atomic
from .header import EDITION_DATE
from .tei import NS, XML_ID, XML_LANG, parse_file

BAG_NAME = "treatytei-bag"
DC = "http://purl.org/dc/elements/1.1/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"


def header_problems(root) -> list[str]:
    """What an archive needs from a TEI header (a parsed TEI root) and this one lacks."""
    missing = []
    checks = [
        ("a licence (publicationStmt/availability/licence)", "//tei:publicationStmt/tei:availability/tei:licence[normalize-space()]"),
        ("its source (sourceDesc with a bibl, listWit or p)", "//tei:sourceDesc/*[self::tei:bibl or self::tei:listWit or self::tei:p][normalize-space()]"),
        ("a responsibility statement (titleStmt/respStmt with resp and name)", "//tei:titleStmt/tei:respStmt[tei:resp[normalize-space()] and tei:name[normalize-space()]]"),
        ("a revision history (revisionDesc/change)", "//tei:revisionDesc/tei:change"),
        ("a title (titleStmt/title)", "//tei:titleStmt/tei:title[normalize-space()]"),
    ]
    for what, xp in checks:
        if not root.xpath(xp, namespaces=NS):
            missing.append(what)
    return missing


def dublin_core(root) -> bytes:
    """An oai_dc record from a TEI header (a parsed TEI root)."""

    def xp(q):
        return [" ".join("".join(e.itertext()).split()) if isinstance(e, etree._Element) else str(e)
                for e in root.xpath(q, namespaces=NS)]
    nsmap = {"oai_dc": OAI_DC, "dc": DC, "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
    rec = etree.Element(f"{{{OAI_DC}}}dc", nsmap=nsmap)
    rec.set("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation",
            f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")

    def add(name, values):
        for v in values:
            if v and v.strip():
                etree.SubElement(rec, f"{{{DC}}}{name}").text = v.strip()
    add("title", xp("//tei:titleStmt/tei:title"))
    add("creator", xp("//tei:particDesc//tei:orgName"))
    add("contributor", [f"{r} ({n})" for r, n in zip(xp("//tei:titleStmt/tei:respStmt/tei:name"),
                                                        xp("//tei:titleStmt/tei:respStmt/tei:resp"))])
    add("publisher", xp("//tei:publicationStmt/tei:publisher"))
    add("date", xp("//tei:publicationStmt/tei:date/@when"))
    add("coverage", xp("//tei:sourceDesc//tei:date/@when") + xp("//tei:profileDesc/tei:creation/tei:date/@when"))
    add("type", ["Text"])
    add("format", ["application/tei+xml"])
    add("identifier", [root.get(XML_ID)] + xp("//tei:publicationStmt/tei:idno"))
    add("source", xp("//tei:sourceDesc//tei:ref/@target") + xp("//tei:listWit/tei:witness/@corresp"))
    add("language", [root.get(XML_LANG)])
    add("rights", xp("//tei:publicationStmt/tei:availability/tei:licence") + xp("//tei:sourceDesc//tei:availability/tei:licence"))
    add("description", xp("//tei:sourceDesc//tei:extent") + xp("//tei:notesStmt/tei:note[@type='manifest']")
        + xp("//tei:sourceDesc/tei:p"))
    add("subject", xp("//tei:textClass/tei:keywords/tei:term"))
    return etree.tostring(rec, encoding="UTF-8", xml_declaration=True, pretty_print=True)


def bag_info(project, roots: list) -> dict[str, str]:
    titles, publishers, licences, contacts = [], [], [], []
    for root in roots:
        titles += [t.text for t in root.xpath("//tei:titleStmt/tei:title[@type='main']", namespaces=NS) if t.text]
        publishers += [t.text for t in root.xpath("//tei:publicationStmt/tei:publisher", namespaces=NS) if t.text]
        licences += [" ".join("".join(t.itertext()).split())
                     for t in root.xpath("//tei:publicationStmt/tei:availability/tei:licence", namespaces=NS)]
        contacts += [t.text for t in root.xpath("//tei:titleStmt/tei:respStmt/tei:name", namespaces=NS) if t.text]

    def uniq(xs):
        return list(dict.fromkeys(x.strip() for x in xs if x and x.strip()))
    return {
        "Source-Organization": "; ".join(uniq(publishers)),
        "Contact-Name": "; ".join(c for c in uniq(contacts) if "toolkit" not in c) or "; ".join(uniq(contacts)),
        "External-Identifier": f"treatytei-edition-{EDITION_DATE}",
        "External-Description": ("TEI P5 edition of Qing-Russian treaty texts: " + "; ".join(uniq(titles))
                                 + ". With the critical apparatus of the 1727 witnesses, the register of persons, "
                                   "places and organisations, the project's schema, and Dublin Core records."),
        "Bagging-Date": EDITION_DATE,
        "Bag-Group-Identifier": "treatytei",
        "Title": "Qing-Russian treaty texts: a TEI edition",
        "Licence": " | ".join(uniq(licences)),
        "Bag-Software-Agent": f"treatytei {__version__} with bagit.py",
    }


def package(project, include_site: bool = False, include_pdf: bool = True, state=None) -> tuple[Path, Path]:
    import bagit

    from .buildstate import digest, tree_digest
    from .validate import validate

    tei_files = project.tei_files()
    final, zip_path = project.dist / BAG_NAME, project.dist / f"{BAG_NAME}.zip"
    key = digest(tree_digest(project.tei, pattern="*.xml"), tree_digest(project.schema), include_site, include_pdf,
                 project.dist / "treatytei-edition.pdf" if include_pdf else "",
                 tree_digest(project.site) if include_site else "")
    if state is not None and state.get("package", str(zip_path)) == key and zip_path.exists() and final.exists():
        return final, zip_path
    if not tei_files:
        raise TreatyError(project.tei, "no TEI files to package")
    roots = {p: parse_file(p).getroot() for p in tei_files}
    for p in tei_files:
        missing = header_problems(roots[p])
        if missing:
            raise TreatyError(p.relative_to(project.root), "refusing to package: the header lacks " + ", ".join(missing))

    problems = [p for p in validate(tei_files, project.schema / "treatytei.rng", project.schema / "treatytei.sch",
                                    project.root, state=state) if p.severity == "error"]
    if problems:
        first = problems[0]
        raise TreatyError(first.file, f"refusing to package TEI that does not validate ({len(problems)} error(s); "
                          f"first at line {first.line}: [{first.rule}] {first.message})")
    dist = project.dist
    dist.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".bag-", dir=dist))
    try:
        for p in tei_files:
            _copy(p, staging / "tei" / p.name)
            write_atomic(staging / "metadata" / f"{p.stem}.dc.xml", dublin_core(roots[p]))
        for rel in ("treatytei.rng", "treatytei.rnc", "treatytei.sch", "README.md", "tei-p5/tei_all.rng", "tei-p5/README.md"):
            src = project.schema / rel
            if src.exists():
                _copy(src, staging / "schema" / rel)
        pdf = dist / "treatytei-edition.pdf"
        if include_pdf and pdf.exists():
            _copy(pdf, staging / "print" / pdf.name)
        if include_site and (project.site / "index.html").exists():
            for f in sorted(project.site.rglob("*")):
                if f.is_file():
                    _copy(f, staging / "site" / f.relative_to(project.site))
        from .parallel import workers
        bagit.make_bag(str(staging), bag_info(project, list(roots.values())), processes=workers(),
                       checksums=["sha256", "sha512"])
        old = dist / f".{BAG_NAME}-old"
        shutil.rmtree(old, ignore_errors=True)
        if final.exists():
            final.rename(old)
        staging.rename(final)
        final.chmod(0o755)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    write_atomic(zip_path, reproducible_zip(final, BAG_NAME))
    if state is not None:
        state.put("package", str(zip_path), key)
    return final, zip_path


def _copy(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)


def reproducible_zip(folder: Path, top: str) -> bytes:
    """Same files -> same bytes: sorted entries, a fixed timestamp (the edition's
    date), fixed permissions, no extra fields."""
    import io

    y, m, d = (int(x) for x in EDITION_DATE.split("-"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{top}/{f.relative_to(folder).as_posix()}", date_time=(y, m, d, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, f.read_bytes(), compresslevel=6)
    return buf.getvalue()


def verify(bag_dir: Path) -> list[str]:
    """Problems bagit's own validator finds in a bag (empty: the bag is complete and
    every file matches its checksums)."""
    import bagit

    try:
        bag = bagit.Bag(str(bag_dir))
    except bagit.BagError as exc:
        return [str(exc)]
    try:
        bag.validate(processes=1)
    except bagit.BagValidationError as exc:
        details = [str(d) for d in getattr(exc, "details", [])]
        # bagit stops at the payload count when a file is missing or added: name them
        listed = set(bag.payload_entries())
        present = {str(p.relative_to(bag_dir).as_posix()) for p in (Path(bag_dir) / "data").rglob("*") if p.is_file()}
        details += [f"{f} is listed in the manifests but missing" for f in sorted(listed - present)]
        details += [f"{f} is in the bag but in no manifest" for f in sorted(present - listed)]
        return details or [str(exc)]
    return []
