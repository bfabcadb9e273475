"""Age-structured first-in-first-out queues over an ensemble: arrays shaped (run, months_waited)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from migratielab.errors import ConservationError, InfeasibleRunError

RELATIVE_TOLERANCE = 1e-9


def serve_oldest_first(queue: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Cases served per age bin when ``capacity`` (per run) is spent on the oldest cases first.

    ``queue`` is (run, age) with the oldest bin last; the result has the same shape and never
    exceeds ``queue`` element-wise.
    """
    oldest_first = queue[:, ::-1]
    waiting_before = np.cumsum(oldest_first, axis=1) - oldest_first
    served = np.clip(capacity[:, None] - waiting_before, 0.0, oldest_first)
    return np.ascontiguousarray(served[:, ::-1])


def age_one_month(queue: np.ndarray) -> np.ndarray:
    """Shift every case one month older; the last bin accumulates (it means "this many months or more")."""
    aged = np.zeros_like(queue)
    aged[..., 1:] = queue[..., :-1]
    aged[..., -1] += queue[..., -1]
    return aged


def share_capacity(waiting: np.ndarray, capacity: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Cases served per track (row, track): ``capacity`` (work units) spent on the tracks in order.

    ``waiting`` is cases per track and ``weights`` the work per case of each track (work units).
    """
    decisions = np.empty_like(waiting)
    remaining = capacity
    for track in range(waiting.shape[1]):
        decisions[:, track] = np.minimum(waiting[:, track], remaining / weights[:, track])
        remaining = np.maximum(0.0, remaining - decisions[:, track] * weights[:, track])
    return decisions


class Served(NamedTuple):
    """A month of a queue (row, bin): served oldest first, the rest aged one month; sums per row."""

    served: np.ndarray  # (row, bin) cases served per bin
    after: np.ndarray  # (row, bin) cases left, aged one month
    before_total: np.ndarray  # (row,) cases at the start, before ``joining``
    served_total: np.ndarray  # (row,) cases served
    after_total: np.ndarray  # (row,) cases left
    wait_sum: np.ndarray  # (row,) months waited summed over those served (bins counted at their middle)
    past_term: np.ndarray  # (row,) cases left in bin ``term`` or later
    at_term: np.ndarray  # (row,) cases left in bin ``term``


def serve_and_age_reference(
    queue: np.ndarray, capacity: np.ndarray, first: np.ndarray, term: int, joining: np.ndarray | None = None
) -> Served:
    """``serve_and_age`` in numpy: ``joining`` (row,) added to bin 0, ``serve_oldest_first`` on bins
    ``>= first`` (per row), then ``age_one_month`` (the reference the compiled version is tested against)."""
    rows, bins = queue.shape
    joined = queue.copy()
    joined[:, 0] += np.zeros(rows) if joining is None else joining
    eligible = np.arange(bins)[None, :] >= first[:, None]
    served = serve_oldest_first(np.where(eligible, joined, 0.0), np.broadcast_to(capacity, (rows,)))
    after = age_one_month(joined - served)
    at_term = after[:, term] if term < bins else np.zeros(rows)
    return Served(
        served=served,
        after=after,
        before_total=queue.sum(axis=1),
        served_total=served.sum(axis=1),
        after_total=after.sum(axis=1),
        wait_sum=(served * (np.arange(bins) + 0.5)).sum(axis=1),
        past_term=after[:, term:].sum(axis=1),
        at_term=at_term,
    )


def serve_and_age(
    queue: np.ndarray, capacity: np.ndarray, first: np.ndarray, term: int, joining: np.ndarray | None = None
) -> Served:
    """Add ``joining`` (row,) to bin 0, serve ``capacity`` (row,) oldest first among bins ``>= first``
    (row,), and age the rest one month.

    ``queue`` (row, bin) cases with the oldest bin last (it means "this many months or more");
    ``term`` a bin whose cases are counted (``past_term``: that bin and later). One compiled pass
    per row, with the arithmetic of ``serve_and_age_reference`` in the same order per bin.
    """
    rows, bins = queue.shape
    check_bins(bins)
    served, after = np.zeros((rows, bins)), np.empty((rows, bins))
    sums = np.empty((6, rows))
    _serve_and_age(
        np.ascontiguousarray(queue, dtype=np.float64),
        _per_row(capacity, rows, np.float64),
        _per_row(0.0 if joining is None else joining, rows, np.float64),
        _per_row(first, rows, np.int64),
        term,
        (served, after, sums),
    )
    return Served(served, after, *sums)


def check_bins(bins: int) -> None:
    """Raise ValueError unless a queue has at least two bins (the last one accumulates)."""
    if bins < 2:
        raise ValueError(f"a queue needs at least two bins of months waited, not {bins}")


def _per_row(values: np.ndarray | float, rows: int, dtype: type) -> np.ndarray:
    """``values`` broadcast to a contiguous (row,) array of ``dtype`` (no copy when already one)."""
    if isinstance(values, np.ndarray) and values.shape == (rows,) and values.dtype == dtype:
        return np.ascontiguousarray(values)
    return np.ascontiguousarray(np.broadcast_to(np.asarray(values, dtype=dtype), (rows,)))


@njit(cache=True, nogil=True, inline="always")
def _age_row(
    queue: np.ndarray, row: int, joining: float, after: np.ndarray, since: int
) -> tuple[int, float, float]:
    """Age row ``row`` of ``queue`` one bin into ``after`` as if nobody were served, ``joining``
    added to bin 0; returns the oldest bin with cases (-1: none), the row's cases (bins before
    ``since`` summed in order, plus those from ``since`` on summed in order) and those in bin
    ``since`` or later, before ``joining``. Bins older than the oldest with cases are not summed
    (they are empty), so short queues cost little."""
    last = queue.shape[1] - 1
    stored = -1  # the oldest bin with cases, by a select per bin (no branch to mispredict)
    for age in range(last + 1):
        stored = max(stored, age if queue[row, age] != 0.0 else -1)
    oldest = 0 if stored < 0 and joining != 0.0 else stored
    head = 0.0
    for age in range(min(since, stored + 1)):
        head += queue[row, age]
    tail = 0.0
    for age in range(since, stored + 1):
        tail += queue[row, age]
    after[row, 0] = 0.0
    if last > 1:
        after[row, 1] = queue[row, 0] + joining
    for age in range(1, last - 1):
        after[row, age + 1] = queue[row, age]
    after[row, last] = _present(queue, row, joining, last - 1) + _present(queue, row, joining, last)
    return oldest, head + tail, tail


@njit(cache=True, nogil=True, inline="always")
def _present(queue: np.ndarray, row: int, joining: float, age: int) -> float:
    """Cases in bin ``age`` of row ``row`` once ``joining`` has joined bin 0."""
    return queue[row, age] + joining if age == 0 else queue[row, age]


@njit(cache=True, nogil=True, inline="always")
def _serve_row(
    queue: np.ndarray,
    row: int,
    oldest: int,
    rule: tuple[float, float, int],
    served: np.ndarray,
    served_row: int,
    after: np.ndarray,
) -> tuple[float, float]:
    """Row ``row`` of ``serve_and_age`` with ``rule`` = (joining, capacity, first bin), once aged
    into ``after`` by ``_age_row`` (``oldest``: its oldest bin with cases): bins with cases are
    served oldest first; servings are added to ``served[served_row]``. Returns (served, months
    waited) sums. Same value per bin as the reference.
    """
    joining, capacity, first = rule
    last = queue.shape[1] - 1
    waiting, served_total, wait_sum = 0.0, 0.0, 0.0
    served_second_last, served_last = 0.0, 0.0  # both bins age into the last bin
    for age in range(oldest, first - 1, -1):
        cases = _present(queue, row, joining, age)
        if cases == 0.0:
            continue
        waiting += cases
        serving = min(max(capacity - (waiting - cases), 0.0), cases)
        if serving == 0.0:
            continue
        served[served_row, age] += serving
        served_total += serving
        wait_sum += serving * (age + 0.5)
        if age == last:
            served_last = serving
        elif age == last - 1:
            served_second_last = serving
        else:
            after[row, age + 1] = cases - serving
    if served_second_last != 0.0 or served_last != 0.0:
        after[row, last] = (_present(queue, row, joining, last - 1) - served_second_last) + (
            _present(queue, row, joining, last) - served_last
        )
    return served_total, wait_sum


@njit(cache=True, nogil=True, inline="always")
def _term_sums(
    after: np.ndarray, row: int, term: int, since: int, end: int
) -> tuple[float, float, float, float]:
    """Cases left in row ``row`` of ``after``, those in bin ``term`` or later, those in bin ``term``,
    and those in bin ``since`` or later; bins from ``end`` on are empty and not summed."""
    early, past_term = 0.0, 0.0
    for age in range(min(term, end)):
        early += after[row, age]
    for age in range(term, end):
        past_term += after[row, age]
    at_term = after[row, term] if term < after.shape[1] else 0.0
    return early + past_term, past_term, at_term, _tail(after, row, since, end)


@njit(cache=True, nogil=True, inline="always")
def _tail(values: np.ndarray, row: int, since: int, bins: int) -> float:
    """Sum of row ``row`` of (row, bin) ``values`` over bins ``since`` to ``bins`` - 1 (four partial
    sums, so the additions do not wait on each other)."""
    first, second, third, fourth = 0.0, 0.0, 0.0, 0.0
    age = since
    while age + 3 < bins:
        first += values[row, age]
        second += values[row, age + 1]
        third += values[row, age + 2]
        fourth += values[row, age + 3]
        age += 4
    for rest in range(age, bins):
        first += values[row, rest]
    return (first + second) + (third + fourth)


@njit(cache=True, nogil=True)
def _serve_and_age(
    queue: np.ndarray,
    capacity: np.ndarray,
    joining: np.ndarray,
    first: np.ndarray,
    term: int,
    out: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """Rows of ``serve_and_age`` into ``out`` = (served (zeroed), after, sums (6, row))."""
    served, after, sums = out
    for row in range(queue.shape[0]):
        rule = (joining[row], capacity[row], max(first[row], 0))
        oldest, before_total, _ = _age_row(queue, row, rule[0], after, queue.shape[1])
        served_total, wait_sum = _serve_row(queue, row, oldest, rule, served, row, after)
        end = min(oldest + 2, after.shape[1])  # ageing moves the oldest cases one bin on
        after_total, past_term, at_term, _ = _term_sums(after, row, term, end, end)
        sums[0, row], sums[1, row], sums[2, row] = before_total, served_total, after_total
        sums[3, row], sums[4, row], sums[5, row] = wait_sum, past_term, at_term


class TracksServed(NamedTuple):
    """A month of a queue by track (run, track, bin) served track by track; sums over tracks per run."""

    queue: np.ndarray  # (run, track, bin) cases left, aged one month
    served: np.ndarray  # (run, track) cases served
    served_by_wait: np.ndarray  # (run, bin) cases served, summed over tracks
    left: np.ndarray  # (run, track) cases left
    before_total: np.ndarray  # (run,) cases at the start, before ``joining``
    wait_sum: np.ndarray  # (run,) months waited summed over those served (bins counted at their middle)
    past_term: np.ndarray  # (run,) cases left in bin ``term`` or later
    at_term: np.ndarray  # (run,) cases left in bin ``term``
    since_before: np.ndarray  # (run,) cases at the start in bin ``since`` or later
    since_after: np.ndarray  # (run,) cases left in bin ``since`` or later


def serve_tracks_reference(
    queue: np.ndarray,
    joining: np.ndarray,
    capacity: np.ndarray,
    weights: np.ndarray,
    term: int,
    since: int = 0,
) -> TracksServed:
    """``serve_tracks`` in numpy: ``share_capacity`` over the tracks, then ``serve_and_age_reference``
    per (run, track) row (the reference the compiled version is tested against)."""
    joined = queue.copy()
    joined[:, :, 0] += joining
    per_track = share_capacity(joined.sum(axis=2), capacity, weights)
    return serve_per_track(queue, joining, per_track, term, since)


def serve_per_track(
    queue: np.ndarray, joining: np.ndarray, per_track: np.ndarray, term: int, since: int = 0
) -> TracksServed:
    """Serve a queue by track when the cases decided per track (run, track) are already known (an
    observed count, or ``share_capacity``'s answer): ``joining`` (run, track) cases join bin 0, each
    track is served oldest first and the rest aged one month (numpy, one pass per row); cases in
    bin ``since`` or later are counted before and after."""
    runs, tracks, bins = queue.shape
    rows = serve_and_age_reference(
        queue.reshape(-1, bins), per_track.reshape(-1), np.zeros(1, np.int64), term, joining.reshape(-1)
    )
    served_by_wait = rows.served.reshape(queue.shape).sum(axis=1)
    return TracksServed(
        queue=rows.after.reshape(queue.shape),
        served=rows.served_total.reshape(runs, tracks),
        served_by_wait=served_by_wait,
        left=rows.after_total.reshape(runs, tracks),
        before_total=queue.sum(axis=(1, 2)),
        wait_sum=(served_by_wait * (np.arange(bins) + 0.5)).sum(axis=1),
        past_term=rows.past_term.reshape(runs, tracks).sum(axis=1),
        at_term=rows.at_term.reshape(runs, tracks).sum(axis=1),
        since_before=queue[:, :, since:].sum(axis=(1, 2)),
        since_after=rows.after.reshape(queue.shape)[:, :, since:].sum(axis=(1, 2)),
    )


def serve_tracks(
    queue: np.ndarray,
    joining: np.ndarray,
    capacity: np.ndarray,
    weights: np.ndarray,
    term: int,
    since: int = 0,
) -> TracksServed:
    """Serve a queue by track: ``joining`` (run, track) cases join bin 0, ``capacity`` (run,) work
    units are spent on the tracks in order (``weights`` (run, track): work per case), each track is
    served oldest first and the rest aged one month.

    ``queue`` (run, track, bin) cases with the oldest bin last; ``term`` and ``since`` bins whose
    cases (from the bin on) are counted. One compiled pass per run, with the arithmetic of
    ``serve_tracks_reference``.
    """
    runs, tracks, bins = queue.shape
    check_bins(bins)
    after, served_by_wait = np.empty((runs * tracks, bins)), np.zeros((runs, bins))
    served, left, sums = np.empty((runs, tracks)), np.empty((runs, tracks)), np.empty((6, runs))
    _serve_tracks(
        np.ascontiguousarray(queue, dtype=np.float64).reshape(-1, bins),
        np.ascontiguousarray(joining, dtype=np.float64),
        np.ascontiguousarray(capacity, dtype=np.float64),
        np.ascontiguousarray(weights, dtype=np.float64),
        (term, max(since, 0)),
        (after, served, served_by_wait, left, sums),
    )
    return TracksServed(after.reshape(queue.shape), served, served_by_wait, left, *sums)


@njit(cache=True, nogil=True)
def _serve_tracks(
    queue: np.ndarray,
    joining: np.ndarray,
    capacity: np.ndarray,
    weights: np.ndarray,
    bins: tuple[int, int],
    out: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> None:
    """Runs of ``serve_tracks`` on (run x track, bin) rows with ``bins`` = (term, since) into ``out``
    = (after, served, served_by_wait (zeroed), left, sums (6, run))."""
    after, served, served_by_wait, left, sums = out
    runs, tracks = served.shape
    term, since = bins
    for run in range(runs):
        remaining, before_total, past_term, at_term, wait_sum = capacity[run], 0.0, 0.0, 0.0, 0.0
        since_before, since_after = 0.0, 0.0
        for track in range(tracks):
            row = run * tracks + track
            oldest, cases_before, tail_before = _age_row(queue, row, joining[run, track], after, since)
            share = min(cases_before + joining[run, track], remaining / weights[run, track])
            remaining = max(0.0, remaining - share * weights[run, track])
            rule = (joining[run, track], share, 0)
            served[run, track], wait = _serve_row(queue, row, oldest, rule, served_by_wait, run, after)
            end = min(oldest + 2, after.shape[1])  # ageing moves the oldest cases one bin on
            left[run, track], past, at, tail_after = _term_sums(after, row, term, since, end)
            before_total += cases_before
            wait_sum += wait
            past_term += past
            at_term += at
            since_before += tail_before
            since_after += tail_after
        sums[0, run], sums[1, run], sums[2, run], sums[3, run] = before_total, wait_sum, past_term, at_term
        sums[4, run], sums[5, run] = since_before, since_after


def check_balance(
    name: str, before: np.ndarray, inflow: np.ndarray, outflow: np.ndarray, after: np.ndarray
) -> None:
    """Raise ConservationError unless ``after == before + inflow - outflow``; InfeasibleRunError if
    ``after`` is not finite or below zero by more than round-off (relative to the stock's turnover)."""
    check_balances([name], before[None], inflow[None], outflow[None], after[None])


def check_balances(
    names: list[str], before: np.ndarray, inflow: np.ndarray, outflow: np.ndarray, after: np.ndarray
) -> None:
    """``check_balance`` for several stocks at once: arrays (stock, run), one row per name in ``names``."""
    expected = before + inflow - outflow
    scale = np.maximum(1.0, np.abs(before) + np.abs(inflow) + np.abs(outflow))
    error = np.abs(after - expected) / scale
    below = after < -RELATIVE_TOLERANCE * scale  # round-off of a stock that empties is not an error
    if (error <= RELATIVE_TOLERANCE).all() and not below.any():  # False on NaN: reported below
        return
    for row, name in enumerate(names):
        _check_stock(name, before[row], inflow[row], outflow[row], after[row], error[row], below[row])


BalanceRow = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def check_balance_rows(names: list[str], rows: list[BalanceRow]) -> None:
    """``check_balances`` for one (before, inflow, outflow, after) row of (run,) arrays per name:
    a compiled pass gives the verdict without building (stock, run) arrays; only when a stock fails
    are they built, and ``check_balances`` names the failure."""

    def contiguous(part: np.ndarray) -> np.ndarray:
        array = np.ascontiguousarray(part, dtype=np.float64)
        # a read-only array (a remembered start state) is another type to the compiled pass, which
        # iterates over rows of one type only
        return array if array.flags.writeable else array.copy()

    as_float = tuple((contiguous(b), contiguous(i), contiguous(o), contiguous(a)) for b, i, o, a in rows)
    if _all_balance(as_float, RELATIVE_TOLERANCE):
        return
    starts, inflows, outflows, ends = (np.array(parts) for parts in zip(*rows, strict=True))
    check_balances(names, starts, inflows, outflows, ends)


@njit(cache=True, nogil=True)
def _all_balance(rows: tuple[BalanceRow, ...], tolerance: float) -> bool:
    """Whether every stock of ``rows`` balances and none is below zero (``check_balances``'s test,
    run by run; False on NaN)."""
    for before, inflow, outflow, after in rows:
        for run in range(before.shape[0]):
            scale = max(1.0, abs(before[run]) + abs(inflow[run]) + abs(outflow[run]))
            error = abs(after[run] - (before[run] + inflow[run] - outflow[run])) / scale
            if not error <= tolerance or after[run] < -tolerance * scale:
                return False
    return True


def _check_stock(
    name: str,
    before: np.ndarray,
    inflow: np.ndarray,
    outflow: np.ndarray,
    after: np.ndarray,
    error: np.ndarray,
    below: np.ndarray,
) -> None:
    """Raise the error of the first failing run of one stock (run,), if any."""
    if not np.all(np.isfinite(after)):
        run = int(np.argmin(np.isfinite(after)))
        raise InfeasibleRunError(f"stock {name!r} of run {run} is no longer a finite number")
    if np.any(error > RELATIVE_TOLERANCE):
        run = int(np.argmax(error))
        raise ConservationError(
            f"stock {name!r} does not balance in run {run}: before {before[run]:.6g} + in "
            f"{inflow[run]:.6g} - out {outflow[run]:.6g} != after {after[run]:.6g}"
        )
    if np.any(below):
        run = int(np.argmax(below))
        raise InfeasibleRunError(f"stock {name!r} would be negative in run {run}: {after[run]:.6g}")


def quantile_from_histogram(histogram: np.ndarray, quantile: float) -> np.ndarray:
    """The ``quantile`` of waits (in bins, interpolated within the bin) from a (run, bin) histogram."""
    totals = histogram.sum(axis=1)
    cumulative = np.cumsum(histogram, axis=1)
    target = quantile * totals
    index = np.minimum((cumulative < target[:, None]).sum(axis=1), histogram.shape[1] - 1)
    below = (
        np.take_along_axis(cumulative, index[:, None], axis=1)[:, 0]
        - histogram[np.arange(histogram.shape[0]), index]
    )
    inside = histogram[np.arange(histogram.shape[0]), index]
    fraction = np.divide(target - below, inside, out=np.full_like(target, 0.5), where=inside > 0)
    return np.where(totals > 0, index + fraction, np.nan)
