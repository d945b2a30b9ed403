import pytest

from shipei.quotas.apportion import apportion


@pytest.mark.parametrize("method", ["hamilton", "sainte_lague"])
def test_exactly_n_and_deterministic(method):
    weights = [1200, 800, 640, 333, 27, 0]
    for seats in (0, 1, 7, 100, 2000):
        out = apportion(seats, weights, method)
        assert sum(out) == seats
        assert out[-1] == 0
        assert out == apportion(seats, weights, method)


def test_hamilton_largest_remainder():
    # quotas 4.6 / 3.3 / 2.1: floors 4+3+2, the one left goes to the largest remainder.
    assert apportion(10, [46, 33, 21]) == [5, 3, 2]


def test_sainte_lague_odd_divisors():
    assert apportion(10, [53, 24, 23], "sainte_lague") == [6, 2, 2]
    assert apportion(10, [53, 24, 23], "hamilton") == [5, 3, 2]


def test_ties_go_to_the_first_listed():
    assert apportion(7, [1, 1, 1]) == [3, 2, 2]
    assert apportion(7, [1, 1, 1], "sainte_lague") == [3, 2, 2]


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="权重之和为 0"):
        apportion(5, [0, 0])
    with pytest.raises(ValueError, match="不能为负数"):
        apportion(5, [1, -1])
