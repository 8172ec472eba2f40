from celery import shared_task


@shared_task(name="klankbord.analytics.tasks.collect_results", ignore_result=True)
def collect_results() -> None:
    from klankbord.analytics.collect import run

    run()


@shared_task(name="klankbord.analytics.tasks.monthly_reports", ignore_result=True)
def monthly_reports() -> None:
    from klankbord.analytics.report import send_monthly_reports

    send_monthly_reports()


@shared_task(name="klankbord.analytics.tasks.count_audiences", ignore_result=True)
def count_audiences() -> None:
    from klankbord.analytics.audience import count_audiences

    count_audiences()


@shared_task(name="klankbord.analytics.tasks.collect_locations", ignore_result=True)
def collect_locations() -> None:
    from klankbord.analytics.locations import collect_locations

    collect_locations()


@shared_task(name="klankbord.analytics.tasks.client_reports", ignore_result=True)
def client_reports() -> None:
    from klankbord.analytics.client_reports import send_client_reports

    send_client_reports()


@shared_task(name="klankbord.analytics.tasks.keep_figures", ignore_result=True)
def keep_figures() -> None:
    from klankbord.analytics.figures import due_for_counting

    for kept_id in due_for_counting():
        count_figures.delay(kept_id)


@shared_task(name="klankbord.analytics.tasks.count_figures", ignore_result=True)
def count_figures(kept_id: int) -> None:
    from klankbord.analytics.figures import count_again

    count_again(kept_id)
