"""Every metric the plan lets a KPI name is counted by Measure, and Measure counts nothing else."""

from klankbord.analytics.metrics import MEASURES, METRICS
from klankbord.strategy.kpi_metrics import KPI_METRICS


def test_every_defined_metric_has_a_computation_and_every_computation_a_definition() -> None:
    assert set(MEASURES) == set(KPI_METRICS)


def test_a_measured_metric_keeps_the_plans_label_unit_and_direction() -> None:
    assert list(METRICS) == list(KPI_METRICS)
    for key, metric in METRICS.items():
        defined = KPI_METRICS[key]
        assert (metric.key, metric.label, metric.unit, metric.higher_is_better) == (
            defined.key,
            defined.label,
            defined.unit,
            defined.higher_is_better,
        )
        assert metric.measure is MEASURES[key]
