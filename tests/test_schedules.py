"""Alpha schedules and difficulty buckets, against DESIGN's formulas."""

import math

import pytest

from telos.learn.buckets import assign_buckets, percentile
from telos.learn.schedules import SCHEDULES, alpha_at, alpha_at_step


@pytest.mark.parametrize(
    ("schedule", "factor"),
    [
        ("constant", lambda t: 1.0),
        ("linear", lambda t: t),
        ("quadratic", lambda t: t**2),
        ("cubic", lambda t: t**3),
        ("cos", lambda t: (1 - math.cos(math.pi * t)) / 2),
    ],
)
def test_each_schedule_follows_its_formula_over_the_iterations(schedule, factor):
    n = 7
    for i in range(n):
        t = i / (n - 1)
        assert alpha_at(i, n, 0.8, schedule) == pytest.approx(0.8 * factor(t))


def test_warm_up_schedules_start_at_zero_and_end_at_alpha():
    for schedule in ("linear", "quadratic", "cubic", "cos"):
        assert alpha_at(0, 10, 1.0, schedule) == 0.0
        assert alpha_at(9, 10, 1.0, schedule) == pytest.approx(1.0)


def test_a_single_iteration_has_t_zero():
    assert alpha_at(0, 1, 1.0, "linear") == 0.0
    assert alpha_at(0, 1, 1.0, "constant") == 1.0


def test_ratio_schedule_scales_by_the_previous_ratio_of_proven_conjectures():
    assert alpha_at(0, 5, 0.5, "ratio", ratio=0.0) == 0.0
    assert alpha_at(3, 5, 0.5, "ratio", ratio=0.4) == pytest.approx(0.2)


def test_threshold_turns_the_progress_loss_off_while_the_ratio_is_below_it():
    assert alpha_at(2, 5, 1.0, "constant", ratio=0.1, threshold=0.3) == 0.0
    assert alpha_at(2, 5, 1.0, "constant", ratio=0.3, threshold=0.3) == 1.0


def test_warmup_ramps_alpha_linearly_over_the_first_steps():
    assert [alpha_at_step(1.0, k, 4) for k in range(6)] == [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
    assert alpha_at_step(0.3, 0, 0) == 0.3


def test_unknown_schedule_and_iteration_out_of_range_are_refused():
    with pytest.raises(ValueError, match="unknown alpha schedule"):
        alpha_at(0, 3, 1.0, "exponential")
    with pytest.raises(ValueError):
        alpha_at(3, 3, 1.0, "linear")
    assert set(SCHEDULES) == {"constant", "linear", "quadratic", "cubic", "cos", "ratio"}


def test_percentile_interpolates_between_ranks():
    assert percentile([0, 10], 50) == 5
    assert percentile([3, 1, 2], 0) == 1 and percentile([3, 1, 2], 100) == 3


def test_buckets_split_proven_conjectures_by_log_probability_and_failures_are_fail():
    log_probs = [-10.0, -8.0, -6.0, -4.0, -2.0, None, -1.0, -9.0, -7.0, -5.0, -3.0]
    buckets = assign_buckets(log_probs, hard=20, easy=50)
    assert buckets[5] == "fail"
    by = dict(zip([lp for lp in log_probs if lp is not None],
                  [b for b in buckets if b != "fail"]))
    assert by[-10.0] == "hard" and by[-9.0] == "hard"  # the least likely 20 %
    assert by[-6.0] == "easy" and by[-7.0] == "easy"
    assert by[-1.0] == "triv" and by[-5.0] == "triv"


def test_no_proven_conjecture_means_every_bucket_is_fail():
    assert assign_buckets([None, None]) == ["fail", "fail"]
