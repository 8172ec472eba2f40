"""The cluster benchmark's arithmetic: what it reports must be computed right."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("cluster", ROOT / "benchmarks" / "cluster.py")
assert spec is not None and spec.loader is not None
cluster = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cluster)


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert cluster.percentile(values, 0.5) == 50.0
    assert cluster.percentile(values, 0.95) == 95.0
    assert cluster.percentile(values, 0.99) == 99.0
    assert cluster.percentile([3.0, 1.0, 2.0], 1.0) == 3.0
    assert cluster.percentile([], 0.5) == 0.0


def test_the_five_faults_fall_inside_the_window_with_time_to_recover() -> None:
    faults = cluster.fault_schedule(240, workers=3)
    assert [f.kind for f in faults] == [
        "worker_kill",
        "redis_restart",
        "worker_kill",
        "postgres_restart",
        "beat_kill",
    ]
    moments = [f.at for f in faults]
    assert moments == sorted(moments) and moments[0] > 0 and moments[-1] < 240 * 5 / 6
    # The two kills hit two different workers.
    assert [f.target for f in faults if f.kind == "worker_kill"] == [0, 1]


def test_requests_are_split_by_fault_windows() -> None:
    samples = [(5.0, 0.1, 200), (12.0, 0.2, 503), (30.0, 0.3, 200), (8.0, 3.0, 500)]
    during, outside = cluster.split_by_windows(samples, [(10.0, 25.0)])
    # A request that waited in a queue when the fault began counts as during it.
    assert during == [(12.0, 0.2, 503), (8.0, 3.0, 500)]
    assert outside == [(5.0, 0.1, 200), (30.0, 0.3, 200)]
    assert "errors 100.00%" in cluster.page_figures(during)


def test_duplicates_count_every_extra_copy() -> None:
    assert cluster.duplicates(["a", "b", "a", "a", "c"]) == 2
    assert cluster.duplicates([]) == 0


def test_posts_are_spread_over_the_whole_window() -> None:
    offsets = cluster.spread(600, 60.0)
    assert len(offsets) == 600 and offsets == sorted(offsets)
    assert 0 <= offsets[0] < 0.2 and 59.8 < offsets[-1] <= 60
    assert sum(1 for o in offsets if o < 30) == 300
