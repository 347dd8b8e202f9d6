from hypothesis import given
from hypothesis import strategies as st

from corpusnorm.align.intervals import IntervalIndex, overlap_test

SPANS = st.lists(st.tuples(st.integers(0, 200), st.integers(1, 60)).map(lambda t: (t[0], t[0] + t[1])), max_size=40)


@given(SPANS, SPANS)
def test_overlap_test_answers_as_a_scan_of_every_span(
    spans: list[tuple[int, int]], queries: list[tuple[int, int]]
) -> None:
    overlaps = overlap_test(spans)
    for s, e in queries:
        assert overlaps(s, e) == any(s < b and a < e for a, b in spans)


@given(SPANS)
def test_interval_index_with_no_share_finds_any_overlap_as_it_grows(spans: list[tuple[int, int]]) -> None:
    index, kept = IntervalIndex(), []
    for s, e in spans:
        clash = index.clashes(s, e)
        assert clash == any(s < b and a < e for a, b in kept)
        if not clash:
            index.add(s, e)
            kept.append((s, e))


def test_touching_spans_do_not_overlap() -> None:
    assert not overlap_test([(0, 5), (10, 15)])(5, 10)
    index = IntervalIndex()
    index.add(0, 5)
    assert not index.clashes(5, 9) and index.clashes(4, 9)
