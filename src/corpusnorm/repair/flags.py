"""Which tokens a repair may touch and which follow their neighbour with only spaces between."""

from __future__ import annotations

from itertools import pairwise

from ..text.patterns import RE_PHRASE_GAP

__all__ = ["NO_TOUCH_AFTER", "NO_TOUCH_BEFORE", "TokenFlags"]

NO_TOUCH_BEFORE = frozenset("-/@#_.")
NO_TOUCH_AFTER = frozenset("-/@_")
"""A word glued to these characters is part of a compound, a URL or a handle: left alone."""


class TokenFlags:
    """``joined`` (token ``i`` follows token ``i - 1`` with only spaces between) and ``free`` (token
    ``i`` may be changed) of the tokens of one text: computed where asked (gated clean text visits a
    few positions), or for every token at once (:meth:`fill`, once a model sweep runs)."""

    def __init__(self, text: str, spans: list[tuple[int, int]]) -> None:
        self.text = text
        self.spans = spans
        self.joins: list[bool | None] = [None] * len(spans)
        self.frees: list[bool | None] = [None] * len(spans)
        self._filled = False

    def is_joined(self, i: int) -> bool:
        """The definition of ``joined`` (:meth:`fill` computes the same for every token)."""
        if not i:
            return False
        start, end = self.spans[i - 1][1], self.spans[i][0]
        # one space (the usual gap) matches RE_PHRASE_GAP; a gap that opens otherwise cannot; the rest asks it
        if start == end or self.text[start] not in " \t":
            return False
        return end == start + 1 or RE_PHRASE_GAP.fullmatch(self.text, start, end) is not None

    def is_free(self, i: int) -> bool:
        """The definition of ``free``: not part of a compound, URL, handle or number."""
        start, end = self.spans[i]
        text = self.text
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        return not (
            before in NO_TOUCH_BEFORE
            or after in NO_TOUCH_AFTER
            or text[start].isdigit()
            or before.isalnum()
            or after.isalnum()
        )

    def joined(self, i: int) -> bool:
        value = self.joins[i]
        if value is None:
            value = self.joins[i] = self.is_joined(i)
        return value

    def free(self, i: int) -> bool:
        value = self.frees[i]
        if value is None:
            value = self.frees[i] = self.is_free(i)
        return value

    def fill(self) -> tuple[list[bool], list[bool]]:
        """``joins`` and ``frees`` of every token (computed once, with set look-ups)."""
        if not self._filled:
            self.joins, self.frees = self._compute()  # type: ignore[assignment]
            self._filled = True
        return self.joins, self.frees  # type: ignore[return-value]

    def _compute(self) -> tuple[list[bool], list[bool]]:
        text, spans = self.text, self.spans
        fullmatch = RE_PHRASE_GAP.fullmatch
        # a gap that does not open with a space or tab cannot match RE_PHRASE_GAP
        joins = [False][: len(spans)] + [
            text[end] in " \t" and (start == end + 1 or fullmatch(text, end, start) is not None)
            for (_, end), (start, _) in pairwise(spans)
        ]
        # the character tests turned into look-ups in sets of the text's characters
        chars = set(text)
        alphanumeric = {c for c in chars if c.isalnum()}
        bad_before, bad_after = NO_TOUCH_BEFORE | alphanumeric, NO_TOUCH_AFTER | alphanumeric
        digits = {c for c in chars if c.isdigit()}
        padded = f" {text} "  # padded[k + 1] is text[k]; the ends read as spaces
        frees = [
            not (padded[start] in bad_before or padded[end + 1] in bad_after or padded[start + 1] in digits)
            for start, end in spans
        ]
        return joins, frees
