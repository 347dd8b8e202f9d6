"""What a user hands normalize_corpus and a pipeline: DataFrames, datasets, strs that look like paths."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from conftest import seed_path
from corpusnorm import Pipeline, normalize_corpus

pandas = pytest.importorskip("pandas", reason="pandas is installed by the test extra (corpusnorm[pandas])")

CLEAN = Pipeline.from_names(["clean"])


def test_a_dataframe_gives_one_document_per_row_with_the_other_columns_as_metadata() -> None:
    seed = seed_path("001").read_text(encoding="utf-8")
    frame = pandas.DataFrame(
        {
            "url": ["https://example.org/a", "https://example.org/b"],
            "body": [seed, "Itâ€™s  here"],
            "key": ["a1", "b2"],
            "views": [3, 4],
        }
    )
    docs = list(normalize_corpus(frame, pipeline=CLEAN, text_key="body", id_key="key"))
    assert [d.id for d in docs] == ["a1", "b2"]
    assert docs[0].original == seed and docs[1].text == "It’s here"
    assert docs[1].metadata == {"url": "https://example.org/b", "views": 4}
    assert type(docs[1].metadata["views"]) is int  # numpy scalars unwrapped: documents.jsonl stays JSON
    assert '"views": 4' in docs[1].to_json()


def test_a_dataframe_without_the_text_column_fails_at_once() -> None:
    frame = pandas.DataFrame({"id": ["a"], "body": ["some text"]})
    with pytest.raises(ValueError, match=r"no 'text' column.*'body'"):
        normalize_corpus(frame, pipeline=CLEAN)


def test_missing_values_become_none_and_a_missing_text_is_an_error_document() -> None:
    frame = pandas.DataFrame({"text": ["Hello  there", None], "score": [1.5, float("nan")]})
    docs = list(normalize_corpus(frame, pipeline=CLEAN))
    assert docs[0].text == "Hello there" and docs[0].metadata == {"score": 1.5}
    assert docs[1].error is not None and "text" in docs[1].error
    assert docs[1].metadata == {"score": None}


def test_a_hugging_face_dataset_is_read_by_its_column_names() -> None:
    datasets = pytest.importorskip("datasets", reason="Hugging Face datasets is not installed (not a dependency)")
    data = datasets.Dataset.from_dict({"article": ["Itâ€™s  here", "two  spaces"], "outlet": ["x", "y"]})
    docs = list(normalize_corpus(data, pipeline=CLEAN, text_key="article"))
    assert [d.text for d in docs] == ["It’s here", "two spaces"]
    assert [d.metadata for d in docs] == [{"outlet": "x"}, {"outlet": "y"}]
    with pytest.raises(ValueError, match="no 'text' column"):
        normalize_corpus(data, pipeline=CLEAN)


def test_a_str_naming_an_existing_file_is_text_with_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text("Itâ€™s  in the file", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"'a.txt', the path of an existing file.*pathlib.Path"):
        as_text = list(normalize_corpus(["a.txt"], pipeline=CLEAN))
    assert as_text[0].text == "a.txt"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a Path is read, silently; a plain text warns of nothing
        read = list(normalize_corpus([Path("a.txt"), "b.txt"], pipeline=CLEAN))
    assert read[0].id == "a" and read[0].text == "It’s in the file"
    assert read[1].text == "b.txt"


def test_one_str_instead_of_a_list_is_a_type_error_not_one_document_per_character() -> None:
    with pytest.raises(TypeError, match="use normalize"):
        normalize_corpus("a whole article", pipeline=CLEAN)


def test_workers_below_one_are_rejected() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        normalize_corpus(["text"], pipeline=CLEAN, workers=-3)


def test_a_pipeline_takes_a_plain_str() -> None:
    doc = Pipeline.from_names(["clean"])("a  b")
    assert doc.text == "a b" and doc.original == "a  b" and doc.id.startswith("doc-")
