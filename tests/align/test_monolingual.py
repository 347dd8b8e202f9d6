def test_a_long_run_of_one_quotes_repeats_costs_linear_time() -> None:
    import time

    from corpusnorm.align import align

    def cost(n: int) -> float:
        text = "We shall see what unfolds. " * n  # one quote's words again and again: one long cluster of hits
        best = float("inf")
        for _ in range(2):
            start = time.process_time()
            found = align(text, crosslingual=False)
            best = min(best, time.process_time() - start)
        assert len(found) == n
        return best

    small, large = cost(300), cost(1_200)
    assert large < 8 * max(small, 0.01)  # linear is 4x; re-clustering the rest after every match was ~16x
