"""The ``corpusnorm`` command line.

Exit codes: 0 everything was processed; 1 some input could not be read or decoded, or a stage
failed on some document (each reported on stderr, the others processed and written);
2 the command line itself is wrong.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import regex

from . import __version__
from .document import Document
from .io import iter_records

EXIT_OK, EXIT_FAILURES, EXIT_USAGE = 0, 1, 2
_UNSAFE = regex.compile(r"[^\w.\-]+")
_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def safe_name(doc_id: str, taken: set[str]) -> str:
    """A file name for a document id: only word characters, dots and dashes; unique."""
    base = _UNSAFE.sub("_", doc_id).strip("._")[:100] or "doc"
    name, counter = base, 1
    while name.lower() in taken:
        counter += 1
        name = f"{base}-{counter}"
    taken.add(name.lower())
    return name


def _progress(iterable: Any, *, enabled: bool, unit: str = "doc") -> Any:
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, unit=unit, file=sys.stderr, dynamic_ncols=True)


def _build_pipeline(args: argparse.Namespace) -> Any:
    from .pipeline import Pipeline

    overrides: dict[str, Any] = {}
    for name in args.skip or []:
        overrides[name] = False
    pipeline = Pipeline.default(**overrides)
    if getattr(args, "quotes", None):
        pipeline = pipeline.configure("align", quotes=args.quotes)
    return pipeline


ALIGNMENT_COLUMNS = ("doc_id", "quote_id", "kind", "score", "coverage", "start", "end", "text")


def cmd_run(args: argparse.Namespace) -> int:
    from .api import normalize_corpus

    out = Path(args.out)
    try:
        pipeline = _build_pipeline(args)
    except (KeyError, ValueError, ImportError, OSError) as exc:
        print(f"corpusnorm run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    (out / "text").mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    counts: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    edits_by_stage: Counter[str] = Counter()
    failures: list[str] = []
    taken: set[str] = set()
    keep_docs: list[Document] = []
    show = not args.no_progress and sys.stderr.isatty()
    with (
        (out / "documents.jsonl").open("w", encoding="utf-8") as documents,
        (out / "alignment.csv").open("w", encoding="utf-8", newline="") as alignment_file,
    ):
        alignments = csv.writer(alignment_file)
        alignments.writerow(ALIGNMENT_COLUMNS)
        records = iter_records(args.paths)
        for doc in _progress(normalize_corpus(records, pipeline=pipeline, workers=args.workers), enabled=show):
            if doc.error is not None:
                counts["failed"] += 1
                failures.append(doc.error)
                print(f"corpusnorm run: skipped {doc.error}", file=sys.stderr)
                continue
            stage_errors = [w for w in doc.warnings if w.startswith("stage-error:")]
            if stage_errors:
                counts["stage_errors"] += 1
                failures.extend(f"{doc.id}: {w}" for w in stage_errors)
                for warning in stage_errors:
                    print(f"corpusnorm run: {doc.id}: {warning}", file=sys.stderr)
            counts["documents"] += 1
            counts["warnings"] += len(doc.warnings)
            languages[doc.language] += 1
            for edit in doc.edits:
                for stage in edit.stage.split("+"):
                    edits_by_stage[stage] += 1
            documents.write(doc.to_json() + "\n")
            name = safe_name(doc.id, taken)
            (out / "text" / f"{name}.txt").write_text(doc.text, encoding="utf-8")
            for a in doc.alignments:
                alignments.writerow(
                    (doc.id, a.quote_id, a.kind, f"{a.score:.3f}", f"{a.coverage:.3f}", a.start, a.end, a.text)
                )  # offsets into text/<id>.txt (doc.text), like documents.jsonl
            if args.report:
                keep_docs.append(doc)
    elapsed = time.perf_counter() - started
    summary = {
        "corpusnorm": __version__,
        "inputs": [str(p) for p in args.paths],
        "documents": counts["documents"],
        "failed": counts["failed"],
        "documents_with_stage_errors": counts["stage_errors"],
        "failures": failures,
        "languages": dict(sorted(languages.items())),
        "edits_by_stage": dict(sorted(edits_by_stage.items())),
        "warnings": counts["warnings"],
        "seconds": round(elapsed, 3),
        "stage_seconds": {k: round(v, 3) for k, v in pipeline.timings.items()} if args.workers <= 1 else None,
        "workers": args.workers,
        "pipeline": pipeline.describe(),
    }
    (out / "run.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.report:
        from .report import write_report

        write_report(keep_docs, out / "report.html", quotes=args.quotes)
    print(
        f"corpusnorm: {counts['documents']} documents ({counts['failed']} failed) in {elapsed:.2f}s; "
        f"languages {dict(sorted(languages.items()))}; edits by stage {dict(sorted(edits_by_stage.items()))}; "
        f"{counts['warnings']} warnings; output in {out}",
        file=sys.stderr,
    )
    return EXIT_FAILURES if failures else EXIT_OK


def _add_run(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        help="normalise files, folders, JSONL records or stdin",
        description="Run the default pipeline over inputs and write documents.jsonl, text/<id>.txt, "
        "alignment.csv and run.json into --out. Exit code 1 if any input or stage failed.",
    )
    p.add_argument("paths", nargs="+", help=".txt files, folders of them, .jsonl records (id, text), or - for stdin")
    p.add_argument("--out", required=True, help="output folder (created if absent)")
    p.add_argument("--workers", type=int, default=1, help="processes to use (default 1)")
    p.add_argument("--skip", action="append", metavar="STAGE", help="leave a stage out (repeatable)")
    p.add_argument("--quotes", help="quote set (JSON or one quote per line) for the align stage")
    p.add_argument("--report", action="store_true", help="also write report.html")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    _COMMANDS["run"] = cmd_run


def _read_input(path: str) -> tuple[str, list[str]]:
    """Text of FILE or ``-`` (stdin), decoded like any other input."""
    from .io import decode_bytes

    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    decoded = decode_bytes(data)
    return decoded.text, decoded.warnings


def cmd_repair(args: argparse.Namespace) -> int:
    from .repair import DEFAULT_MIN_CONFIDENCE, format_explanation, repair

    try:
        text, warnings = _read_input(args.file)
    except (OSError, ValueError) as exc:
        print(f"corpusnorm repair: {args.file}: {exc}", file=sys.stderr)
        return EXIT_FAILURES
    for warning in warnings:
        print(f"corpusnorm repair: {warning}", file=sys.stderr)
    result = repair(
        text,
        min_confidence=DEFAULT_MIN_CONFIDENCE if args.min_confidence is None else args.min_confidence,
        lexicons=args.lexicon or None,
        builtin=not args.no_builtin,
        force=args.force,
    )
    sys.stdout.write(format_explanation(result) if args.explain else result.text)
    return EXIT_OK


def _add_repair(sub: Any) -> None:
    p = sub.add_parser(
        "repair",
        help="restore the original wording of synonym-spun English",
        description="Print the repaired text of FILE (or stdin); --explain prints a table of edits and "
        "suggestions instead. Clean (unspun) text comes out unchanged.",
    )
    p.add_argument("file", nargs="?", default="-", help="a text file, or - for stdin (default)")
    p.add_argument("--explain", action="store_true", help="print the edits and suggestions as a TSV table")
    p.add_argument("--min-confidence", type=float, help="apply edits at or above this confidence")
    p.add_argument("--lexicon", action="append", metavar="TSV", help="an extra lexicon (repeatable)")
    p.add_argument("--no-builtin", action="store_true", help="do not use the shipped lexicon")
    p.add_argument("--force", action="store_true", help="repair even if the text does not look spun")
    _COMMANDS["repair"] = cmd_repair


def cmd_lexicon_learn(args: argparse.Namespace) -> int:
    from .repair import learn_substitutions, substitutions_tsv

    try:
        spun, _ = _read_input(args.spun)
        original, _ = _read_input(args.original)
    except (OSError, ValueError) as exc:
        print(f"corpusnorm lexicon learn: {exc}", file=sys.stderr)
        return EXIT_FAILURES
    source = args.source or Path(args.spun).stem
    sys.stdout.write(substitutions_tsv(learn_substitutions(spun, original), source=source))
    return EXIT_OK


def _add_lexicon(sub: Any) -> None:
    p = sub.add_parser("lexicon", help="grow a spinner lexicon from your own data")
    lexicon_sub = p.add_subparsers(dest="lexicon_command", metavar="COMMAND")
    lexicon_sub.required = True
    learn = lexicon_sub.add_parser(
        "learn",
        help="extract spun -> original substitutions from a spun text and its original",
        description="Align SPUN with ORIGINAL and print the substitution pairs as lexicon rows (TSV), "
        "e.g. `corpusnorm lexicon learn spun.txt original.txt >> my.tsv`, then "
        "`corpusnorm repair --lexicon my.tsv`.",
    )
    learn.add_argument("spun")
    learn.add_argument("original")
    learn.add_argument("--source", help="the source column of the rows (default: SPUN's file name)")
    _COMMANDS["lexicon"] = cmd_lexicon_learn


def cmd_align(args: argparse.Namespace) -> int:
    from .align import ALIGNMENT_COLUMNS, alignment_rows
    from .api import normalize

    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
        pipeline = _build_pipeline(args)
        doc = normalize(data, doc_id="stdin" if args.file == "-" else Path(args.file).stem, pipeline=pipeline)
    except (OSError, ValueError, KeyError) as exc:
        print(f"corpusnorm align: {args.file}: {exc}", file=sys.stderr)
        return EXIT_FAILURES
    for warning in doc.warnings:
        print(f"corpusnorm align: {warning}", file=sys.stderr)
    failed = any(w.startswith("stage-error:") for w in doc.warnings)
    writer = csv.DictWriter(sys.stdout, fieldnames=ALIGNMENT_COLUMNS)
    writer.writeheader()
    for row in alignment_rows(doc, original=True):
        writer.writerow({**row, "score": f"{row['score']:.3f}", "coverage": f"{row['coverage']:.3f}"})
    return EXIT_FAILURES if failed else EXIT_OK


def _add_align(sub: Any) -> None:
    p = sub.add_parser(
        "align",
        help="find the quotes of a quote set in a text",
        description="Run the pipeline on FILE (or stdin) and print, as CSV, where it carries each quote: "
        "verbatim, near, spun, translated or paraphrase, with score, coverage and character offsets "
        "into the input as read (input[start:end] == text).",
    )
    p.add_argument("file", nargs="?", default="-", help="a text file, or - for stdin (default)")
    p.add_argument("--quotes", help="quote set: JSON like the shipped one, or one quote per line")
    p.add_argument("--skip", action="append", metavar="STAGE", help="leave a stage out (repeatable)")
    _COMMANDS["align"] = cmd_align


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="corpusnorm",
        description="Multilingual text normalisation of news corpora (clean, detect, repair, align).",
    )
    parser.add_argument("--version", action="version", version=f"corpusnorm {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    _add_run(sub)
    _add_repair(sub)
    _add_align(sub)
    _add_lexicon(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except BrokenPipeError:  # e.g. piped into head
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
