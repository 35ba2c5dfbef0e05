"""Carrying an editor's changes to an apparatus into a newly collated one.

An apparatus an editor has edited (notes, classifications, deleted variants) is not
overwritten: the new collation is taken, and each edited app is matched to its new
counterpart by id, then by readings; what cannot be placed is reported.
"""

from __future__ import annotations

import copy

from lxml import etree

from .tei import XML_ID, local, serialise
from .tei import q as qname


def merge_edits(edited: etree._Element, generated: bytes, made_before: set | None = None) -> tuple[bytes, int, list[str]]:
    """Carry an editor's work on an apparatus into a newly generated one: the notes
    added to a variant, and a variant's kind (@type/@subtype) changed by hand, go to the
    variant with the same xml:id (ids are stable: see _stable_app_ids); a variant the
    toolkit made before (``made_before``) that the editor deleted is not made again (its
    first reading stands in its place, as the editor's text did). Returns the new
    document, how many changes were kept, and a line for each that could not be placed
    (its variant no longer exists: the readings changed)."""
    new = etree.fromstring(generated)
    apps = {a.get(XML_ID): a for a in new.iter(qname("app"))}
    kept, lost = 0, []
    in_edited = {a.get(XML_ID) for a in edited.iter(qname("app"))}
    for app_id in sorted((made_before or set()) - in_edited):
        app = apps.pop(app_id, None)
        if app is None or app.get("type") == "lacuna":
            continue
        first = app.find(qname("rdg"))
        parent, at = app.getparent(), app.getparent().index(app)
        pieces = ([first.text] if first is not None and first.text else []) + (list(first) if first is not None else [])
        tail = app.tail
        parent.remove(app)
        for k, piece in enumerate(pieces):
            if isinstance(piece, str):
                if at == 0:
                    parent.text = (parent.text or "") + piece
                else:
                    parent[at - 1].tail = (parent[at - 1].tail or "") + piece
            else:
                parent.insert(at, piece)
                at += 1
        if tail:
            if at == 0:
                parent.text = (parent.text or "") + tail
            else:
                parent[at - 1].tail = (parent[at - 1].tail or "") + tail
        kept += 1
    for old in edited.iter(qname("app")):
        notes = [n for n in old if isinstance(n.tag, str) and local(n) == "note"]
        target = apps.get(old.get(XML_ID))
        changed_kind = target is not None and (old.get("type"), old.get("subtype")) != (target.get("type"), target.get("subtype"))
        if target is None:
            if notes:
                words = " / ".join("".join(n.itertext()).strip()[:40] for n in notes)
                lost.append(f"note on {old.get(XML_ID)} ({words})")
            continue
        for n in notes:
            if not any(etree.tostring(n) == etree.tostring(m) for m in target.iterfind(qname("note"))):
                target.append(copy.deepcopy(n))
                kept += 1
        if changed_kind:
            for attr in ("type", "subtype"):
                if old.get(attr) is None:
                    target.attrib.pop(attr, None)
                else:
                    target.set(attr, old.get(attr))
            kept += 1
    return serialise(new), kept, lost
