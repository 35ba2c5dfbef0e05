"""Step: publish pdf. TEI -> print HTML (XSLT 3.0, xslt/print/print.xsl, Saxon) ->
PDF with WeasyPrint (CSS Paged Media: running heads, page numbers, page references),
Chinese set in Noto Serif CJK, embedded. Written atomically to dist/."""

from __future__ import annotations

import logging
from pathlib import Path

from . import __version__, saxon
from .errors import TreatyError
from .fileio import write_atomic
from .header import EDITION_DATE
from .manifest import load

PDF_NAME = "treatytei-edition.pdf"


def print_html(project) -> str:
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
              "apparatus": " ".join(apps), "edition-date": EDITION_DATE, "version": __version__, "mode": "orig"}
    for k, v in params.items():
        exe.set_parameter(k, proc.make_string_value(v))
    try:
        html = exe.call_template_returning_string(None)
    except Exception as exc:
        raise TreatyError(entry, f"print stylesheet failed: {str(exc).splitlines()[0]}") from None
    return html


def inputs_digest(project) -> str:
    from .buildstate import digest, tree_digest

    return digest(tree_digest(project.tei, pattern="*.xml"), tree_digest(project.xslt / "print"),
                  tree_digest(project.xslt / "html", pattern="*.xsl"), project.manifest)


def publish(project, out: Path | None = None, state=None) -> Path:
    """Write the PDF. With a BuildState, nothing is done when the TEI and the
    stylesheets are as at the last build."""
    out = Path(out or project.dist / PDF_NAME)
    key = inputs_digest(project) if state is not None else None
    if state is not None and state.get("pdf", str(out)) == key and out.exists():
        return out
    import weasyprint

    html = print_html(project)
    # WeasyPrint reports unsupported CSS at WARNING level; keep the build's output clean
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    doc = weasyprint.HTML(string=html, base_url=str(project.xslt / "print") + "/")
    data = doc.write_pdf(pdf_identifier=b"treatytei-edition-" + EDITION_DATE.encode())
    write_atomic(out, data)
    if state is not None:
        state.put("pdf", str(out), key)
    return out
