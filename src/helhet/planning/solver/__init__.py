"""Our visit planner: an adaptive large neighbourhood search with an exact schedule (see :mod:`.core`)."""

from __future__ import annotations

import time

from helhet.planning.model import Problem, Solution
from helhet.planning.solver.core import Compiled, impossible_jobs
from helhet.planning.solver.search import Search

NO_ROOM = "Besøket får ikke plass i noen ansatts vakt (arbeidstid eller synkronisering)."


def solve(problem: Problem, *, time_limit: float, seed: int = 0, max_iterations: int | None = None) -> Solution:
    """The best plan found within ``time_limit`` seconds (or ``max_iterations`` search iterations)."""
    deadline = time.monotonic() + time_limit
    c = Compiled(problem)
    reasons = impossible_jobs(c)
    jobs = [j for j, job in enumerate(c.jobs) if job[0] not in reasons]
    search = Search(c, jobs, seed=seed, time_limit=time_limit, deadline=deadline, max_iterations=max_iterations)
    best, failed = search.run()
    for j in failed:
        for v in c.jobs[j]:
            reasons[v] = NO_ROOM
    return best.solution(reasons)
