"""Background jobs of provider delivery, on Django's task framework (the ``django-tasks`` backport).

The optimiser runs for up to a few minutes, so it never runs inside a web request: the request
queues a job and the page follows its progress. Which backend runs the jobs is configuration
(``TASKS`` in settings, from ``HELHET_TASKS``): ``database`` (default) keeps the queue in the
database and a worker process (``helhet db_worker``, started by ``helhet demo``) runs it — on one
machine or many; ``immediate`` runs a job at once in the process that queued it (tests, scripts).
On Django 6 the same code runs on ``django.tasks``.
"""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def optimaliser(planlegging_id: int) -> None:
    from helhet.care import planner

    job = planner.run(planlegging_id)
    logger.info("planning job %s finished with status %s", job.pk, job.status)


def enqueue_planlegging(planlegging_id: int) -> None:
    """Queue the job and remember its task id (the Planlegging row is what the screens read)."""
    from helhet.care.models import Planlegging

    try:
        result = optimaliser.enqueue(planlegging_id=planlegging_id)
    except Exception:
        # The immediate backend runs the job here: its failure is already recorded on the row.
        logger.exception("planning job %s failed", planlegging_id)
        return
    Planlegging.objects.filter(pk=planlegging_id, oppgave_id="").update(oppgave_id=str(result.id)[:64])
