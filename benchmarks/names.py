"""The names loop measured as a user runs it, on texts with a hand list.

For each set of hand lists in tests/gold/names/ (tuned/: the lists the code was tuned on;
held-out/: lists made after the code was frozen), each list named for a corpus file: the
set's texts are added to a copy of the edition with `treatytei add`; then `treatytei names
propose` (its proposals for each text are scored), `treatytei names accept --all` and
`treatytei enrich`; the tags are scored against the lists (treatytei.names_eval).

    .venv/bin/python benchmarks/names.py [--corpus DIR] [--gold DIR] [--diffs] [--keep DIR] [SET...]

The figures go to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from treatytei.manifest import load  # noqa: E402
from treatytei.names_eval import compare, load_list, proposal_precision, table, tagged  # noqa: E402
from treatytei.names_propose import propose  # noqa: E402
from treatytei.project import Project  # noqa: E402


def cli(root: Path, *args: str) -> None:
    r = subprocess.run([str(Path(sys.executable).parent / "treatytei"), "--root", str(root), *args],
                       capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f"treatytei {' '.join(args)} failed: {r.stderr.strip()}")


def text_of(corpus: Path, stem: str) -> Path:
    """The corpus file a hand list is named for: <stem>.md or <stem>.txt, in the corpus
    folder or one of its sub-folders (wikipedia-md/, wikisource/)."""
    found = sorted(p for p in [*corpus.glob(f"{stem}.*"), *corpus.glob(f"*/{stem}.*")] if p.suffix in (".md", ".txt"))
    if len(found) != 1:
        raise SystemExit(f"{corpus}: {len(found)} texts named {stem} (one wanted)")
    return found[0]


def run(corpus: Path, gold_dir: Path, show: bool = False, keep: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "edition"
        root.mkdir()
        for part in ("sources", "tei", "schema"):
            shutil.copytree(REPO / part, root / part)
        golds = sorted(gold_dir.glob("*.tsv"))
        texts = {g.stem: text_of(corpus, g.stem) for g in golds}
        for g in golds:
            cli(root, "add", str(texts[g.stem]))
        project = Project(root)
        files = {Path(s.file).name: project.tei / f"{s.id}.xml" for s in load(project.root / "sources" / "sources.toml")}
        scores: dict = {}
        diffs: list[str] = []
        right = total = 0
        wrong: list[str] = []
        for g in golds:
            gold = load_list(g)
            r, t, w = proposal_precision(propose(project, [files[texts[g.stem].name]]), gold)
            right, total = right + r, total + t
            wrong += [f"{g.stem}: {x}" for x in w]
        cli(root, "names", "accept", "--all")
        cli(root, "enrich")
        for g in golds:
            compare(load_list(g), tagged(files[texts[g.stem].name]), scores, diffs, g.stem)
        if keep:
            shutil.rmtree(keep / gold_dir.name, ignore_errors=True)
            shutil.copytree(root, keep / gold_dir.name)
    print(table(scores))
    print(f"proposals (person, place, org): {right} of {total} right, precision {right / total if total else 0:.3f}")
    if show:
        print("\n".join(diffs + ["wrong proposal: " + w for w in wrong]))
    return {"scores": scores, "proposals": (right, total)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=REPO / "tests" / "real-corpus")
    ap.add_argument("--gold", type=Path, default=REPO / "tests" / "gold" / "names")
    ap.add_argument("--diffs", action="store_true", help="List every miss, spurious tag and wrong proposal.")
    ap.add_argument("--keep", type=Path, help="Keep each set's edition in KEEP/<set> to look at.")
    ap.add_argument("sets", nargs="*", help="Only these sets of lists (tuned, held-out).")
    a = ap.parse_args()
    for folder in sorted(p for p in a.gold.iterdir() if p.is_dir() and (not a.sets or p.name in a.sets)):
        print(f"== {folder.name}")
        run(a.corpus, folder, a.diffs, a.keep)


if __name__ == "__main__":
    main()
