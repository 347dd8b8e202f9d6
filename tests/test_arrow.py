"""corpusnorm.arrow: one explicit schema, exact round trips through Arrow and Parquet."""

from __future__ import annotations

import json

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from corpusnorm import normalize_corpus  # noqa: E402
from corpusnorm.arrow import SCHEMA, from_arrow, read_parquet, to_arrow, write_parquet  # noqa: E402
from corpusnorm.pipeline import Pipeline  # noqa: E402
from scale_helpers import FAST_SKIP, records  # noqa: E402


@pytest.fixture(scope="module")
def mixed_docs():
    """Documents that differ in languages, warnings, error, metadata and alignments."""
    pipeline = Pipeline.default(**dict.fromkeys(FAST_SKIP, False))
    items = [
        *records(0, 4),
        {"id": "no-text", "url": "https://example.org/x"},  # error: a record needs a "text" string
        "Ein Text. A mixed text, with English and Deutsch mixed in one. Und noch ein deutscher Satz hier.",
        b"\xff\xfeH\x00i\x00",  # decoded with a warning
    ]
    docs = list(normalize_corpus(items, pipeline=pipeline))
    docs[0].spin_score = 0.25
    return docs


def test_the_documents_differ_where_guessing_a_schema_breaks(mixed_docs) -> None:
    assert len({tuple(d.languages) for d in mixed_docs}) >= 3
    assert any(d.error for d in mixed_docs) and any(d.warnings and not d.error for d in mixed_docs)
    assert any(d.metadata for d in mixed_docs) and any(not d.metadata for d in mixed_docs)


def test_to_arrow_from_arrow_is_exact(mixed_docs) -> None:
    table = to_arrow(mixed_docs)
    assert table.schema.remove_metadata() == SCHEMA
    assert table.schema.field("languages").type == pa.map_(pa.string(), pa.float64())
    assert from_arrow(table) == mixed_docs


def test_parquet_round_trip_in_small_batches(tmp_path, mixed_docs) -> None:
    path = tmp_path / "docs.parquet"
    assert write_parquet(mixed_docs, path, batch_size=2) == len(mixed_docs)
    assert read_parquet(path) == mixed_docs
    # the pipeline description is stored once, in the file's metadata; rows keep only the source
    schema = pq.read_schema(path)
    assert json.loads(schema.metadata[b"corpusnorm"])["pipeline"]["stages"][0]["name"] == "clean"
    column = pq.read_table(path, columns=["pipeline", "source"])
    ok = [d.error is None for d in mixed_docs]
    assert [p is None for p in column["pipeline"].to_pylist()] == ok
    assert column["source"].to_pylist()[0] == "item 0"


def test_metadata_is_kept_as_json_and_readable_per_column(tmp_path, mixed_docs) -> None:
    path = tmp_path / "docs.parquet"
    write_parquet(mixed_docs, path)
    meta = [json.loads(m) for m in pq.read_table(path, columns=["metadata"])["metadata"].to_pylist()]
    assert meta[0] == {"url": "https://example.org/0/0", "outlet": {"name": "outlet 0", "country": "it"}}


def test_an_empty_file_has_the_schema(tmp_path) -> None:
    path = tmp_path / "empty.parquet"
    assert write_parquet([], path) == 0
    assert read_parquet(path) == []
    assert pq.read_schema(path).remove_metadata() == SCHEMA
