"""Kill a build with SIGKILL at random moments, with the inputs changing between runs,
and check after each that dist/ holds one build's set: the PDF is the one the bag
lists, and the zip holds the same bag.

    .venv/bin/python benchmarks/kill_test.py [RUNS] [SEED]      # on a copy of the edition
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def consistent(dist: Path) -> str | None:
    pdf, bag, zipped = dist / "treatytei-edition.pdf", dist / "treatytei-bag", dist / "treatytei-bag.zip"
    if not (pdf.exists() and bag.exists() and zipped.exists()):
        return None if not dist.exists() else "incomplete"
    manifest = (bag / "manifest-sha256.txt").read_text(encoding="utf-8")
    listed = {line.split(None, 1)[1].strip(): line.split()[0] for line in manifest.splitlines() if line.strip()}
    if listed.get("data/print/treatytei-edition.pdf") != hashlib.sha256(pdf.read_bytes()).hexdigest():
        return "the PDF is not the bag's"
    with zipfile.ZipFile(zipped) as z:
        name = next(n for n in z.namelist() if n.endswith("manifest-sha256.txt"))
        if z.read(name).decode("utf-8") != manifest:
            return "the zip is not the bag"
    return None


def main(runs: int = 50, seed: int = 3) -> int:
    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="treatytei-kill-"))
    for folder in ("sources", "schema", "xslt", "tei"):
        shutil.copytree(ROOT / folder, work / folder)
    exe = Path(sys.executable).with_name("treatytei")
    subprocess.run([str(exe), "build"], cwd=work, capture_output=True, check=True)
    bad = 0
    completed = 0
    text = work / "tei" / "tacheng-protocol-1864.xml"
    for run in range(runs):
        data = text.read_text(encoding="utf-8")
        text.write_text(data.replace("</TEI>", f"<!-- run {run} --></TEI>") if run % 2 else
                        data.replace("條約", "条约", 1), encoding="utf-8")
        p = subprocess.Popen([str(exe), "build"], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        time.sleep(rng.uniform(0.2, 4.0))
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
        else:
            completed += 1
        p.wait()
        problem = consistent(work / "dist")
        if problem:
            bad += 1
            print(f"run {run}: {problem}")
    leftovers = subprocess.run(["pgrep", "-f", str(work)], capture_output=True, text=True).stdout.split()
    print(f"runs={runs} completed={completed} killed={runs - completed} inconsistent={bad} "
          f"leftover_processes={len(leftovers)}")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:3])))
