"""Our visit planner: an adaptive large neighbourhood search with an exact schedule (see :mod:`.core`)."""

from __future__ import annotations

import time
from collections.abc import Callable

from helhet.planning.model import Problem, Solution
from helhet.planning.solver.core import Compiled, impossible_jobs
from helhet.planning.solver.search import Search

NO_ROOM = "Besøket får ikke plass i noen ansatts vakt (arbeidstid eller synkronisering)."


def solve(
    problem: Problem,
    *,
    time_limit: float,
    seed: int = 0,
    max_iterations: int | None = None,
    progress: Callable[[float, float | None], None] | None = None,
) -> Solution:
    """The best plan found within ``time_limit`` seconds (or ``max_iterations`` search iterations).

    ``progress(share, best_cost)``, if given, is called with 0.0 (and None) at the start, then about every
    half second of wall time with the share done (of ``max_iterations`` if given, else of the time limit)
    and the cost of the best plan so far (as :func:`~helhet.planning.evaluate.evaluate` prices it; visits
    it leaves unplanned are not priced), and once with 1.0 at the end. It never changes the search: the
    same seed and ``max_iterations`` give the same plan with or without it. An exception it raises stops
    the search and propagates out of ``solve`` unchanged: a background job cancels by raising.
    """
    deadline = time.monotonic() + time_limit
    c = Compiled(problem)
    reasons = impossible_jobs(c)
    jobs = [j for j, job in enumerate(c.jobs) if job[0] not in reasons]
    search = Search(
        c,
        jobs,
        seed=seed,
        time_limit=time_limit,
        deadline=deadline,
        max_iterations=max_iterations,
        on_progress=progress,
    )
    best, failed = search.run()
    for j in failed:
        for v in c.jobs[j]:
            reasons[v] = NO_ROOM
    return best.solution(reasons)
