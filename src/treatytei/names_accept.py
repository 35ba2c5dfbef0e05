"""Step: names accept. Applies an editor's decisions in a review file (see
names_propose) to the register, spliced into its own bytes (an editor's register is
never rewritten beyond what is added).

Per line, by its first column:

* ``yes`` (or ``y``, ``accept``, ``是``): a person, place, organisation, office or treaty
  becomes a name of the entry in the ``entry`` column -- an id of the register (the
  name joins that entry: a merge) or a new id (a new entry; lines with one new id make
  one entry, the first line's name its main name); type ``other`` becomes a known word
  (``list[@type='words']``): no name is tagged inside it;
* ``no`` (or ``n``, ``reject``, ``否``): the candidate goes to ``list[@type='not-names']``
  and is not proposed again;
* anything else (the ``?`` propose writes): left for later.

``accept --all`` takes every line as proposed (``yes``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .errors import TreatyError
from .register import ID_PREFIX, KINDS, Register
from .names_propose import COLUMNS

YES = {"yes", "y", "accept", "accepted", "ok", "是", "对", "對"}
NO = {"no", "n", "reject", "rejected", "否", "不", "非"}


@dataclass
class Outcome:
    entries: int = 0
    names: int = 0
    words: int = 0
    rejected: int = 0
    undecided: int = 0
    romanised: int = 0

    def summary(self) -> str:
        return (f"{self.entries} new entr{'y' if self.entries == 1 else 'ies'}, {self.names} name(s) added, "
                f"{self.words} word(s), {self.rejected} rejection(s), {self.undecided} left undecided, "
                f"{self.romanised} entr{'y' if self.romanised == 1 else 'ies'} given a romanisation")


def read_review(path: Path) -> list[dict]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TreatyError(path, f"cannot read the review file: {exc}") from None
    rows = list(csv.reader(text.splitlines(), delimiter="\t"))
    if not rows or tuple(c.strip() for c in rows[0][:len(COLUMNS)]) != COLUMNS:
        raise TreatyError(path, "not a review file of treatytei names propose (its first line must be the "
                                "column names: " + " ".join(COLUMNS) + ")")
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < 4:
            raise TreatyError(path, f"line {n}: {len(row)} column(s), expected {len(COLUMNS)}")
        rec = dict(zip(COLUMNS, (c.strip() for c in row)))
        rec["line"] = n
        if rec["type"] not in KINDS:
            raise TreatyError(path, f"line {n}: type '{rec['type']}' is not one of {', '.join(KINDS)}")
        out.append(rec)
    return out


def accept(project, review: Path, take_all: bool = False) -> Outcome:
    from .fileio import read_bytes, write_atomic
    from .splice import rewrite

    rows = read_review(review)
    register = project.register
    raw = read_bytes(register)
    outcome = Outcome()

    def change(root):
        reg = Register(root, register)
        new_entries: dict[str, tuple[str, list[str]]] = {}
        renamed: dict[tuple[str, str], str] = {}
        for rec in rows:
            decision = "yes" if take_all else rec["decision"].lower()
            surface, kind, eid = rec["surface"], rec["type"], rec["entry"]
            if decision in NO:
                outcome.rejected += reg.add_word("not-names", surface)
            elif decision in YES:
                if not surface:
                    raise TreatyError(review, f"line {rec['line']}: no surface form")
                if kind == "other":
                    outcome.words += reg.add_word("words", surface)
                elif eid in reg.entries:
                    if reg.entries[eid].kind != kind:
                        raise TreatyError(review, f"line {rec['line']}: {eid} is a {reg.entries[eid].kind} entry, "
                                                  f"not a {kind}")
                    outcome.names += bool(reg.add_names(eid, [surface]))
                elif eid:
                    eid = _retyped(eid, kind, reg.ids, renamed)
                    if eid in reg.ids:
                        raise TreatyError(review, f"line {rec['line']}: {eid} is an id of the register that is not "
                                                  "a person, place, organisation, office or treaty")
                    known = new_entries.setdefault(eid, (kind, []))
                    if known[0] != kind:
                        raise TreatyError(review, f"line {rec['line']}: entry {eid} is proposed as a {known[0]} "
                                                  f"and as a {kind}")
                    if surface not in known[1]:
                        known[1].append(surface)
                else:
                    raise TreatyError(review, f"line {rec['line']}: no entry id for a {kind}")
            else:
                outcome.undecided += 1
        for eid, (kind, names) in new_entries.items():
            reg.add_entry(kind, eid, names, source=review.name)
            outcome.entries += 1
        outcome.romanised = reg.romanise_all()
        return outcome

    data, _, _ = rewrite(raw, register, change)
    if data != raw:
        _check(data, register, project.schema / "treatytei.rng")
        write_atomic(register, data)
    return outcome


def _retyped(eid: str, kind: str, taken: set[str], renamed: dict[tuple[str, str], str]) -> str:
    """The id of a new entry whose type the editor changed follows the type (org-gaerdan as a
    person: per-gaerdan; per-gaerdan-2 if that is taken), the same for every line of it; an
    id the editor wrote without a type's prefix is kept as written."""
    prefix, _, rest = eid.partition("-")
    if not rest or prefix not in ID_PREFIX.values() or prefix == ID_PREFIX[kind] or eid in taken:
        return eid
    if (eid, kind) not in renamed:
        new, k = f"{ID_PREFIX[kind]}-{rest}", 1
        while new in taken or new in renamed.values():
            k += 1
            new = f"{ID_PREFIX[kind]}-{rest}-{k}"
        renamed[(eid, kind)] = new
    return renamed[(eid, kind)]


def _check(data: bytes, path: Path, rng: Path) -> None:
    """The new register must still be valid: refused, with the reason, if not."""
    from .tei import parse_bytes
    from .validate import relaxng

    root = parse_bytes(data, path)
    schema = relaxng(str(rng))
    if not schema.validate(root):
        err = schema.error_log.last_error
        raise TreatyError(path, f"the register would not be valid after accepting (line {err.line}: {err.message}); "
                                "nothing was written")
