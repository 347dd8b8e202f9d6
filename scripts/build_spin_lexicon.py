"""Rebuild the learnt (``dev:*``) rows of ``src/corpusnorm/data/spin_lexicon.tsv``.

The rows are learnt with :func:`corpusnorm.repair.learn.learn_entries` from the development
pairs: the four spun copies in ``shared/spun_dev`` against ``003_original.txt``, and seed 001
against its hand-restored original ``tests/reference/gold/001_restored.txt``, and the real spun
pages of ``shared/spun_train`` against their originals (all but :data:`UNFAITHFUL`). The file
stores word and phrase pairs with counts (``count``, ``seen``, ``clean``), never text. The reviewed rows
(``issue4:*``) and the filtered PPS rows (``pps:*``) are kept as they are.

    python scripts/build_spin_lexicon.py [--shared ../shared] [--check]

``--check`` exits 1 (and writes nothing) when the file differs from what the data gives;
``tests/repair/test_repair.py`` runs the same comparison.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from corpusnorm.repair.learn import learn_entries
from corpusnorm.repair.lexicon import Entry

ROOT = Path(__file__).resolve().parents[1]
LEXICON = ROOT / "src" / "corpusnorm" / "data" / "spin_lexicon.tsv"
GOLD = ROOT / "tests" / "reference" / "gold" / "001_restored.txt"
SPINS = ("003", "004", "005", "006")
UNFAITHFUL = ("205",)
"""spun_train pairs not learnt from: their README says the 'original' is itself a light rewrite of
the source (its wording differs from what the spinner saw), so the alignment teaches noise."""


def dev_pairs(shared: Path) -> list[tuple[str, str, str]]:
    """(spun, original, source) for every development pair found under ``shared``."""
    original = (shared / "spun_dev" / "003_original.txt").read_text(encoding="utf-8")
    pairs = [
        ((shared / "spun_dev" / f"{k}_spun.txt").read_text(encoding="utf-8"), original, f"dev:spun_dev/{k}")
        for k in SPINS
    ]
    seed = next((ROOT / "seeds").glob("001_*.txt"))
    pairs.append((seed.read_text(encoding="utf-8"), GOLD.read_text(encoding="utf-8"), "dev:seed001"))
    train = shared / "spun_train"
    for path in sorted(train.glob("*_original.txt")):
        if path.name.startswith(UNFAITHFUL):
            continue
        number = path.name.split("_", 1)[0]
        spun = (train / f"{number}_spun.txt").read_text(encoding="utf-8")
        pairs.append((spun, path.read_text(encoding="utf-8"), f"dev:spun_train/{number}"))
    return pairs


def row(entry: Entry) -> str:
    fields = (entry.id, " ".join(entry.spun), entry.original, entry.source, str(entry.count), str(entry.seen))
    return "\t".join((*fields, repr(entry.share), entry.left, entry.right, "", str(entry.clean))) + "\n"


def stable_ids(current: str, entries: list[Entry]) -> list[Entry]:
    """``entries`` with the ids their (spun, original) pair has in ``current``; new pairs get the
    next free numbers, in order. A rebuild thus never renames an existing entry (edits, the
    reference and users' notes cite these ids)."""
    known: dict[tuple[str, str], str] = {}
    for line in current.splitlines():
        if line.startswith("dev:"):
            fields = line.split("\t")
            known[(fields[1], fields[2])] = fields[0]
    numbers = [int(i.split(":", 1)[1]) for i in known.values() if i.split(":", 1)[1].isdigit()]
    free = max(numbers, default=0) + 1
    out: list[Entry] = []
    for entry in entries:
        key = (" ".join(entry.spun), entry.original)
        if key not in known:
            known[key] = f"dev:{free}"
            free += 1
        out.append(replace(entry, id=known[key]))
    return out


def rebuilt(current: str, entries: list[Entry]) -> str:
    """``current`` with its ``dev:*`` rows replaced by ``entries`` (in the same place)."""
    lines = current.splitlines(keepends=True)
    out: list[str] = []
    placed = False
    for line in lines:
        if line.startswith("dev:"):
            if not placed:
                out.extend(row(e) for e in entries)
                placed = True
            continue
        out.append(line)
    if not placed:
        out.extend(row(e) for e in entries)
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")
    args = parser.parse_args(argv)
    current = LEXICON.read_text(encoding="utf-8")
    new = rebuilt(current, stable_ids(current, learn_entries(dev_pairs(args.shared), prefix="dev")))
    if args.check:
        if new != current:
            print(f"{LEXICON} differs from what the development pairs give", file=sys.stderr)
            return 1
        print(f"{LEXICON}: up to date")
        return 0
    LEXICON.write_text(new, encoding="utf-8")
    print(f"wrote {LEXICON}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
