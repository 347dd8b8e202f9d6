"""DataFrames in and out: pandas DataFrames and Hugging Face datasets as corpus inputs, Documents and
alignments as DataFrames.

- :func:`table_items`: the rows of a DataFrame or a ``datasets.Dataset`` as dict records (the
  ``text_key`` column holds the text, ``id_key`` the id, every other column becomes
  ``Document.metadata``); ``None`` for anything else. :func:`corpusnorm.normalize_corpus` uses it.
- :func:`documents_frame` (also ``corpusnorm.to_pandas``): one row per Document.
- :func:`alignments_frame`: one row per alignment, columns :data:`~corpusnorm.outputs.ALIGNMENT_COLUMNS`
  (the columns of ``alignment.csv``).

pandas is optional (``pip install 'corpusnorm[pandas]'``); it is imported only by the two frame
functions, and tables are recognised without importing pandas or datasets.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any

from .document import Document
from .outputs import ALIGNMENT_COLUMNS, alignment_rows

__all__ = ["DOCUMENT_COLUMNS", "alignments_frame", "documents_frame", "table_items", "to_pandas"]

DOCUMENT_COLUMNS = (
    "id",
    "language",
    "text",
    "original",
    "spin_score",
    "edits",
    "suggestions",
    "alignments",
    "warnings",
    "error",
)
"""Columns of :func:`documents_frame` before the metadata columns (counts for the list fields)."""


def _is_dataframe(items: Any) -> bool:
    return type(items).__module__.split(".")[0] == "pandas" and type(items).__name__ == "DataFrame"


def _is_hf_dataset(items: Any) -> bool:
    return type(items).__module__.split(".")[0] == "datasets" and hasattr(items, "column_names")


def _plain(value: Any) -> Any:
    """A cell as a JSON-able Python value (numpy scalars unwrapped, NaN/NaT to None, timestamps as ISO)."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if hasattr(value, "isoformat"):
        try:
            return value.isoformat()
        except ValueError:  # NaT
            return None
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return _plain(value.item())
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def _check_columns(columns: Iterable[Any], text_key: str, kind: str) -> list[str]:
    names = [str(c) for c in columns]
    if text_key not in names:
        raise ValueError(f"the {kind} has no {text_key!r} column (columns: {names}); pass text_key=<column>")
    return names


def _dataframe_rows(frame: Any, columns: list[str]) -> Iterator[dict[str, Any]]:
    for values in frame.itertuples(index=False, name=None):
        yield {name: _plain(value) for name, value in zip(columns, values, strict=True)}


def table_items(items: Any, *, text_key: str = "text", id_key: str = "id") -> Iterator[dict[str, Any]] | None:
    """Dict records of a pandas DataFrame or a Hugging Face ``datasets.Dataset``; ``None`` if ``items``
    is neither. A table without a ``text_key`` column raises :class:`ValueError` at once."""
    if _is_dataframe(items):
        columns = _check_columns(items.columns, text_key, "DataFrame")
        return _dataframe_rows(items, columns)
    if _is_hf_dataset(items):
        _check_columns(items.column_names, text_key, "dataset")
        return ({k: _plain(v) for k, v in row.items()} for row in items)
    return None


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:  # pragma: no cover - pandas is installed by the test extra
        raise ImportError("DataFrames need pandas: pip install 'corpusnorm[pandas]'") from exc
    return pandas


def documents_frame(docs: Iterable[Document]) -> Any:
    """A pandas DataFrame with one row per Document: :data:`DOCUMENT_COLUMNS` (``edits``,
    ``suggestions``, ``alignments`` and ``warnings`` are counts), then one column per metadata field
    (prefixed ``metadata.`` where the name is taken). ``docs`` is consumed: to also build
    :func:`alignments_frame`, pass a list."""
    rows = []
    for doc in docs:
        row: dict[str, Any] = {
            "id": doc.id,
            "language": doc.language,
            "text": doc.text,
            "original": doc.original,
            "spin_score": doc.spin_score,
            "edits": len(doc.edits),
            "suggestions": len(doc.suggestions),
            "alignments": len(doc.alignments),
            "warnings": len(doc.warnings),
            "error": doc.error,
        }
        for key, value in doc.metadata.items():
            row[f"metadata.{key}" if key in DOCUMENT_COLUMNS else key] = value
        rows.append(row)
    return _pandas().DataFrame(rows, columns=_columns(DOCUMENT_COLUMNS, rows))


def _columns(fixed: tuple[str, ...], rows: list[dict[str, Any]]) -> list[str]:
    extra: dict[str, None] = {}
    for row in rows:
        extra.update(dict.fromkeys(k for k in row if k not in fixed))
    return [*fixed, *extra]


to_pandas = documents_frame


def alignments_frame(docs: Iterable[Document], *, original: bool = False) -> Any:
    """A pandas DataFrame with one row per alignment, columns :data:`ALIGNMENT_COLUMNS` (those of
    ``alignment.csv``); offsets into ``doc.text``, or into ``doc.original`` with ``original=True``."""
    rows = [row for doc in docs for row in alignment_rows(doc, original=original)]
    return _pandas().DataFrame(rows, columns=list(ALIGNMENT_COLUMNS))
