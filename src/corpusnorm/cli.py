"""The ``corpusnorm`` command line.

Exit codes: 0 everything was processed; 1 some input could not be read or decoded, or a stage
failed on some document (each reported on stderr, the others processed and written);
2 the command line itself is wrong, or --out cannot be used; 3 the run crashed (run.json says
``failed``); 130 interrupted (Ctrl-C), 143 terminated (SIGTERM) (run.json says ``interrupted``).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .pipeline import DEFAULT_ORDER as STAGE_NAMES
from .versions import __version__

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_CRASHED = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143
_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def _count_documents(paths: Sequence[str], *, exclude: Sequence[str | Path] = ()) -> int | None:
    """How many documents the inputs hold (see :func:`_count_entries`), folders walked as
    :func:`corpusnorm.io.resolve_inputs` walks them, never under ``exclude``; ``None`` with stdin."""
    from .io import resolve_inputs

    return _count_entries(resolve_inputs(paths, exclude=exclude).entries)


def _count_entries(entries: Sequence[Any]) -> int | None:
    """Documents in resolved input entries: a .txt file one, a .jsonl file one per non-blank line, a
    path that cannot be read one; ``None`` with stdin. Reads each JSONL file once more, at disk speed,
    so that the progress bar has a total and an ETA (a FIFO is never opened: it is an error entry)."""
    total = 0
    for entry in entries:
        if entry == "-":
            return None
        if not isinstance(entry, Path) or entry.suffix.lower() != ".jsonl":
            total += 1
            continue
        try:
            with entry.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        except OSError:
            total += 1
    return total


def _progress(iterable: Any, *, enabled: bool, total: int | None = None, unit: str = "doc") -> Any:
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, unit=unit, file=sys.stderr, dynamic_ncols=True)


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def _unit_float(value: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {number}")
    return number


def _describe(doc: Any) -> str:
    """One line per document for --verbose."""
    if doc.error is not None:
        return f"{doc.id}: failed: {doc.error}"
    spin = "" if doc.spin_score is None else f", spin {doc.spin_score:.2f}"
    return (
        f"{doc.id}: {doc.language}, {len(doc.text):,} chars, {len(doc.edits)} edits, "
        f"{len(doc.alignments)} alignments, {len(doc.warnings)} warnings{spin}"
    )


def _build_pipeline(args: argparse.Namespace) -> Any:
    from .pipeline import Pipeline

    overrides: dict[str, Any] = {}
    for name in args.skip or []:
        overrides[name] = False
    pipeline = Pipeline.default(**overrides)
    if getattr(args, "quotes", None):
        pipeline = pipeline.configure("align", quotes=args.quotes)
    return pipeline


def cmd_run(args: argparse.Namespace) -> int:
    from .io import resolve_inputs

    out = Path(args.out)
    try:
        pipeline = _build_pipeline(args)
    except (KeyError, ValueError, ImportError, OSError) as exc:
        print(f"corpusnorm run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.format is not None or args.executor is not None:
        return cmd_run_sharded(args, pipeline)
    plan = resolve_inputs(args.paths, exclude=[out])  # before any output exists: --out is never an input
    for note in plan.notes:
        print(f"corpusnorm run: skipped {note}", file=sys.stderr)
    return _run_plan(args, plan, pipeline, out)


def _run_plan(args: argparse.Namespace, plan: Any, pipeline: Any, out: Path) -> int:
    from .api import normalize_corpus
    from .io import records_of
    from .outputs import OutputError, RunWriter, Terminated, sigterm_interrupts

    options = {"text_key": args.text_key, "id_key": args.id_key}
    writer = RunWriter(
        out,
        inputs=args.paths,
        pipeline=pipeline,
        workers=args.workers,
        keep_documents=args.report,
        overwrite=args.overwrite,
        options=options,
    )
    try:
        writer.start()
    except OutputError as exc:
        print(f"corpusnorm run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if writer.resumed:
        print(f"corpusnorm run: resuming: {writer.resumed} documents already complete in {out}", file=sys.stderr)
    show = not (args.no_progress or args.quiet) and sys.stderr.isatty()
    total = _count_entries(plan.entries) if show else None
    status, code, error = "complete", EXIT_OK, None
    try:
        with sigterm_interrupts():
            records = (r for r in records_of(plan, **options) if not writer.is_done(r.source))
            docs = normalize_corpus(records, pipeline=pipeline, workers=args.workers)
            remaining = None if total is None else max(0, total - writer.resumed)
            for doc in _progress(docs, enabled=show, total=remaining):
                for message in writer.write(doc):
                    print(f"corpusnorm run: {message}", file=sys.stderr)
                if args.verbose:
                    print(f"corpusnorm run: {_describe(doc)}", file=sys.stderr)
            if args.report:
                from .report import write_report

                write_report(writer.kept, out / "report.html", quotes=args.quotes, inputs=args.paths)
    except (KeyboardInterrupt, Terminated) as exc:
        status, code = "interrupted", EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    except Exception as exc:  # a crashed run: one line, the traceback in run.json
        import traceback

        status, code, error = "failed", EXIT_CRASHED, traceback.format_exc()
        print(f"corpusnorm run: the run failed: {type(exc).__name__}: {exc} (details in run.json)", file=sys.stderr)
    try:
        writer.finish(status, error)
    except OSError as exc:
        print(f"corpusnorm run: cannot write {out / 'run.json'}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_CRASHED
    if args.verbose and pipeline.timings:
        timings = ", ".join(f"{name} {seconds:.2f}s" for name, seconds in pipeline.timings.items())
        print(f"corpusnorm run: time per stage (this process): {timings}", file=sys.stderr)
    if not args.quiet:
        print(writer.summary.line(out), file=sys.stderr)
    if code == EXIT_OK and writer.summary.failures:
        return EXIT_FAILURES
    return code


def cmd_run_sharded(args: argparse.Namespace, pipeline: Any) -> int:
    """``run`` with ``--format``/``--executor``: one resumable shard per input (see corpusnorm.shards)."""
    from .shards import run_sharded

    try:
        summary = run_sharded(
            args.paths,
            args.out,
            pipeline=pipeline,
            fmt=args.format or "jsonl",
            executor=args.executor or "local",
            workers=args.workers,
            scheduler=args.scheduler,
            skip=args.skip or (),
            quotes=args.quotes,
            text_key=args.text_key,
            id_key=args.id_key,
        )
    except (ValueError, ImportError, OSError) as exc:
        print(f"corpusnorm run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for failure in summary["failures"] if summary["ran"] else []:
        print(f"corpusnorm run: {failure}", file=sys.stderr)
    skipped = len(summary["shards"]) - len(summary["ran"])
    if args.quiet:
        return EXIT_FAILURES if summary["failures"] else EXIT_OK
    print(
        f"corpusnorm: {len(summary['ran'])} shards written, {skipped} already complete; {summary['documents']} "
        f"documents ({summary['failed']} failed); languages {summary['languages']}; output in {args.out}",
        file=sys.stderr,
    )
    return EXIT_FAILURES if summary["failures"] else EXIT_OK


def _add_run(sub: Any) -> None:
    p = sub.add_parser(
        "run",
        help="normalise files, folders, JSONL records or stdin",
        description="Run the default pipeline over inputs and write documents.jsonl, text/<id>.txt, "
        "alignment.csv and run.json into --out. Exit code 1 if any input or stage failed.",
    )
    p.add_argument("paths", nargs="+", help=".txt files, folders of them, .jsonl records (id, text), or - for stdin")
    p.add_argument("--out", required=True, help="output folder (created if absent; never read as input)")
    p.add_argument(
        "--overwrite", action="store_true", help="replace an earlier run in --out (default: resume it, refuse others)"
    )
    p.add_argument("--workers", type=_positive_int, default=1, help="processes to use, at least 1 (default 1)")
    _add_skip(p)
    p.add_argument("--quotes", help="quote set (JSON or one quote per line) for the align stage")
    p.add_argument("--report", action="store_true", help="also write report.html")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    talk = p.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_true", help="print only errors (no progress bar, no summary)")
    talk.add_argument("-v", "--verbose", action="store_true", help="also one line per document and time per stage")
    p.add_argument("--text-key", default="text", help='JSONL field holding the text (default "text")')
    p.add_argument("--id-key", default="id", help='JSONL field holding the id (default "id")')
    p.add_argument(
        "--format", choices=("jsonl", "parquet"), help="write one resumable shard per input: DIR/shards/<input>.FORMAT"
    )
    p.add_argument("--executor", choices=("local", "dask"), help="where shards run (implies shards; default local)")
    p.add_argument("--scheduler", metavar="ADDR", help="Dask scheduler address (default: a LocalCluster of --workers)")
    _COMMANDS["run"] = cmd_run


def _add_skip(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--skip",
        action="append",
        choices=STAGE_NAMES,
        metavar="STAGE",
        help=f"leave a stage out: {', '.join(STAGE_NAMES)} (repeatable)",
    )


def _read_input(path: str) -> tuple[str, list[str]]:
    """Text of FILE or ``-`` (stdin), decoded like any other input."""
    from .io import decode_bytes

    data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    decoded = decode_bytes(data)
    return decoded.text, decoded.warnings


def cmd_repair(args: argparse.Namespace) -> int:
    from .repair import format_explanation, repair

    try:
        text, warnings = _read_input(args.file)
    except (OSError, ValueError) as exc:
        print(f"corpusnorm repair: {args.file}: {exc}", file=sys.stderr)
        return EXIT_FAILURES
    for warning in warnings:
        print(f"corpusnorm repair: {warning}", file=sys.stderr)
    options: dict[str, Any] = {
        "lexicons": tuple(args.lexicon or ()),
        "builtin": not args.no_builtin,
        "force": args.force,
        "model": args.model,
    }
    if args.min_confidence is not None:
        options["min_confidence"] = args.min_confidence
    try:
        result = repair(text, **options)
    except (ValueError, OSError, ImportError) as exc:
        print(f"corpusnorm repair: {exc}", file=sys.stderr)
        return EXIT_USAGE
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
    p.add_argument("--min-confidence", type=_unit_float, help="apply edits at or above this confidence (0..1)")
    p.add_argument("--lexicon", action="append", metavar="TSV", help="an extra lexicon (repeatable)")
    p.add_argument("--no-builtin", action="store_true", help="do not use the shipped lexicon")
    p.add_argument("--force", action="store_true", help="repair even if the text does not look spun")
    p.add_argument(
        "--model",
        choices=("ngram", "smollm2"),
        default="ngram",
        help="ranking model: ngram (default, fast) or smollm2 (re-ranks close calls; needs corpusnorm[neural])",
    )
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
    from .api import normalize
    from .outputs import ALIGNMENT_COLUMNS, alignment_rows

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
    _add_skip(p)
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
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
