"""Adaptive large neighbourhood search over :class:`.core.State`: remove some jobs, insert them again.

A *job* is a visit, or visits tied by synchronisation (planned and removed together). Each iteration
removes jobs with one of six operators (random, costly, related in place and time, whole routes, close
in time, strings of consecutive visits from neighbouring routes), then inserts them again one by one,
each where the exact trial insertion (:meth:`.core.State.trial_insert`) costs least. The cheapest place
is found without trying them all: a vectorised lower bound over every gap of every route orders the
gaps, a bound that is exact within the route orders the trials, and the trials stop where no bound can
beat the best place found. A pair's halves are first placed alone; the best combinations are then
tried together. Acceptance is simulated annealing, the temperature a share of the best cost falling
geometrically over a schedule counted in iterations; operator weights adapt to their successes.

Deterministic: the trajectory depends on the problem, the seed and the time limit only (the schedule's
length is sized from the limit, the problem size and a calibrated rate, not measured on the clock); the
clock only decides where the search stops, and ``max_iterations`` fixes that too. A progress callback
(:class:`Search` ``on_progress``) only reads: it never changes the trajectory.
"""

from __future__ import annotations

import heapq
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from helhet.planning.solver.core import Compiled, State, Trial

BIG = 1e9  # the price of an unplanned job in the search (they are reported, never silently dropped)


class OutOfTime(Exception):
    pass


@dataclass
class Params:
    """Tuning of the search (chosen by measurement, see docs/planner-measurements.md «HHCRSP»)."""

    q_min: int = 2  # jobs removed per iteration: uniform in [q_min, q_max]
    q_max: int = 60
    q_share: float = 0.25  # ... and at most this share of the jobs
    t_start: float = 0.03  # at the start a solution this share of the best cost worse is accepted with p = 1/2
    t_end: float = 0.0001  # ... and at the end of the cooling schedule
    rate: float = 50000.0  # iterations × visits per second on the reference machine: sizes the schedule
    pair_candidates: int = 6  # places per half tried when inserting a synchronised pair
    segment: int = 50  # iterations between updates of the operator weights
    reaction: float = 0.2
    string_max: int = 10  # the longest string the string removal takes from one route
    destroys: tuple[str, ...] = ("random", "worst", "related", "route", "time", "string")


@dataclass
class Placement:
    cost: float  # the increase of the state's cost by the insertion
    visits: tuple[int, ...]
    routes: tuple[int, ...]
    index: tuple[int, ...]  # insertion indices, applied in order
    trial: Trial | None
    stamp: int = -1  # the state's stamp when ``trial`` was made


class Gaps:
    """Every place where a visit can go in a state, as arrays for vectorised lower bounds.

    Route ``k`` owns the slots ``k * cap .. k * cap + cap - 1``; slot ``k * cap + i`` is the gap before
    index ``i``; slots past the route's end are closed (``closed`` = inf). A route's slots are rewritten
    when its version changes."""

    def __init__(self, c: Compiled, cap: int = 16) -> None:
        self.c = c
        self._travel = np.array(c.problem.travel, dtype=float)
        self._loc = np.array(c.loc, dtype=np.intp)
        self._dur = np.array(c.dur, dtype=float)
        self._late = np.array(c.late, dtype=float)
        self.state: State | None = None
        self.stamp = -1
        self._allocate(cap)

    def _allocate(self, cap: int) -> None:
        c = self.c
        self.cap = cap
        size = c.k * cap
        self.k = np.repeat(np.arange(c.k, dtype=np.intp), cap)
        self.ks = self.k.tolist()
        self.i = np.tile(np.arange(cap), c.k).tolist()
        self.ploc = np.zeros(size, dtype=np.intp)
        self.sloc = np.zeros(size, dtype=np.intp)
        self.ready = np.zeros(size)
        self.arc = np.zeros(size)
        self.s_start = np.zeros(size)
        self.s_late = np.full(size, math.inf)
        self.s_tard = np.zeros(size)
        self.s_latest = np.full(size, math.inf)
        self.closed = np.full(size, math.inf)
        self.versions = [-1] * c.k
        self.state = None

    def _write(self, state: State, k: int) -> None:
        c = self.c
        r = state.routes[k]
        n_r = len(r)
        a = k * self.cap
        b = a + n_r + 1
        self.ploc[a] = c.staff_start_loc[k]
        self.ready[a] = c.sstart[k]
        self.sloc[b - 1] = c.staff_end_loc[k]
        self.s_start[b - 1] = 0.0
        self.s_late[b - 1] = math.inf
        if n_r:
            visits = np.array(r, dtype=np.intp)
            here = self._loc[visits]
            starts = np.array([state.start[v] for v in r])
            self.ploc[a + 1 : b] = here
            self.sloc[a : b - 1] = here
            self.ready[a + 1 : b] = starts + self._dur[visits]
            self.s_start[a : b - 1] = starts
            self.s_late[a : b - 1] = self._late[visits]
            self.arc[a:b] = self._travel[self.ploc[a:b], self.sloc[a:b]]
        else:
            self.arc[a] = 0.0
        self.s_tard[a:b] = np.maximum(self.s_start[a:b] - self.s_late[a:b], 0.0)
        if c.bounded_shifts:  # the latest start of each next visit that still ends the shift in time
            latest = [0.0] * (n_r + 1)
            limit = latest[n_r] = c.send[k]
            nxt = -1
            for j in range(n_r - 1, -1, -1):
                v = r[j]
                limit = (limit - c.tve[k][v] if nxt < 0 else limit - c.tvv[v][nxt]) - c.dur[v]
                latest[j] = limit
                nxt = v
            self.s_latest[a:b] = latest
        self.closed[a:b] = 0.0
        self.closed[b : a + self.cap] = math.inf

    def update(self, state: State) -> None:
        if self.state is state and self.stamp == state.stamp:
            return
        longest = max((len(r) for r in state.routes), default=0)
        if longest + 1 > self.cap:
            self._allocate(longest + 8)
        if self.state is not state:
            self.versions = [-1] * self.c.k
        versions = state.version
        for k in range(self.c.k):
            if self.versions[k] != versions[k]:
                self._write(state, k)
                self.versions[k] = versions[k]
        self.state, self.stamp = state, state.stamp


class Inserter:
    """Finds cheap feasible placements of jobs in a state: vectorised lower bounds over every gap, then exact
    trial insertions in the order of the bounds until no bound can beat the places found."""

    def __init__(self, c: Compiled, rng: random.Random, pair_candidates: int = 6) -> None:
        self.c = c
        self.rng = rng
        self.pair_candidates = pair_candidates
        self.travel = np.array(c.problem.travel, dtype=float)
        self.allowed = np.zeros((c.n, c.k), dtype=bool)
        for v, ks in enumerate(c.allowed):
            self.allowed[v, list(ks)] = True
        self.face = np.array(c.face, dtype=float).reshape(c.n, c.k) * c.scale
        self.banned = np.where(self.allowed, 0.0, np.inf)
        self.travel_to = np.ascontiguousarray(self.travel.T)
        self.has_face = bool(self.face.any())
        self._gaps = Gaps(c)
        self.evaluations = 0

    def gaps(self, state: State) -> Gaps:
        self._gaps.update(state)
        return self._gaps

    def bounds(self, state: State, v: int) -> np.ndarray:
        """A lower bound on the cost increase of inserting ``v`` alone into every gap (inf where closed or not
        allowed): the detour, ``v``'s own tardiness and the extra tardiness of the next visit."""
        c = self.c
        g = self.gaps(state)
        lv = c.loc[v]
        to_v = self.travel_to[lv].take(g.ploc)
        from_v = self.travel[lv].take(g.sloc)
        t = g.ready + to_v
        np.maximum(t, c.early[v], out=t)
        own = t - c.late[v]
        np.maximum(own, 0.0, out=own)
        t += c.dur[v]
        t += from_v
        if c.bounded_shifts:  # the next visit (or the end of the shift) would come too late: infeasible
            late_shift = t > g.s_latest
        np.maximum(t, g.s_start, out=t)
        t -= g.s_late
        np.maximum(t, 0.0, out=t)
        t -= g.s_tard  # the successor's extra tardiness
        t += own
        to_v += from_v
        to_v -= g.arc  # the detour
        lb = c.w_travel * to_v
        lb += c.w_tard * t
        if c.w_max:
            own -= state.tard_max
            np.maximum(own, 0.0, out=own)
            lb += c.w_max * own
        lb *= c.scale
        lb += g.closed
        if c.bounded_shifts:
            lb[late_shift] = np.inf
        shaped = lb.reshape(c.k, g.cap)
        shaped += self.banned[v][:, None]
        if self.has_face:
            shaped += self.face[v][:, None]
        return lb

    def places(self, state: State, base: float, v: int, count: int, distinct: bool) -> list[tuple[float, int, int]]:
        """The ``count`` cheapest feasible places (cost increase, route, index) of visit ``v`` alone (at most one
        per route if ``distinct``), found by exact trials in the order of a lower bound."""
        g = self.gaps(state)
        lb = self.bounds(state, v)
        # the few smallest bounds first; the full order only if those do not settle it
        head = 24
        if lb.size > head:
            order = np.argpartition(lb, head)[:head]
            order = order[np.argsort(lb[order], kind="stable")].tolist()
        else:
            order = np.argsort(lb, kind="stable").tolist()
        bounds = lb
        # three levels: the vector bound orders the gaps, the route bound (exact within the route) orders the
        # exact trials; each level stops where it cannot beat the ``count``-th best exact cost found
        best: list[tuple[float, int, int]] = []
        ks, idx = g.ks, g.i
        heap: list[tuple[float, int]] = []
        ptr, n_gaps = 0, len(order)
        inf = math.inf
        while True:
            threshold = best[-1][0] if len(best) >= count else inf
            if ptr == n_gaps and n_gaps == head:  # the head did not settle it: the rest, in order
                order = np.argsort(lb, kind="stable").tolist()
                n_gaps = len(order)
            next_lb = float(bounds[order[ptr]]) if ptr < n_gaps else inf
            if heap and heap[0][0] <= next_lb:
                rb, gi = heapq.heappop(heap)
                if rb >= threshold:
                    break
                k, i = ks[gi], idx[gi]
                trial = Trial()
                self.evaluations += 1
                if not state.trial_insert(trial, v, k, i):
                    continue
                cost = state.trial_cost(trial)
                if cost is None:
                    continue
                cost -= base
                if distinct:
                    same = [e for e in best if e[1] == k]
                    if same:
                        if cost < same[0][0]:
                            best.remove(same[0])
                            best.append((cost, k, i))
                            best.sort()
                        continue
                if len(best) < count or cost < best[-1][0]:
                    best.append((cost, k, i))
                    best.sort()
                    del best[count:]
            else:
                if next_lb == inf or next_lb >= threshold:
                    break
                gi = order[ptr]
                ptr += 1
                heapq.heappush(heap, (state.insert_bound(v, ks[gi], idx[gi]), gi))
        return best

    def options(self, state: State, job: tuple[int, ...], count: int = 1) -> list[Placement]:
        """Up to ``count`` feasible placements of ``job`` in distinct routes (or route pairs), cheapest first."""
        base = state.cost()
        if len(job) == 1:
            v = job[0]
            out = [Placement(cost, job, (k,), (i,), None) for cost, k, i in self.places(state, base, v, count, True)]
        elif len(job) == 2:
            out = self._pair_options(state, base, job, count)
        else:
            out = self._chain_options(state, base, job)
        out.sort(key=lambda p: p.cost)
        return out

    def _pair_options(self, state: State, base: float, job: tuple[int, ...], count: int) -> list[Placement]:
        """Combinations of the ``pair_candidates`` cheapest places of each half alone, tried together in the
        order of the sum of the halves' costs until that sum reaches the best pair found (a heuristic bound: a
        pair costs about its halves plus what synchronising them adds)."""
        a, b = job
        m = self.pair_candidates
        ca = self.places(state, base, a, m, False)
        cb = self.places(state, base, b, m, False)
        combos = sorted((da + db, ka, ia, kb, ib) for da, ka, ia in ca for db, kb, ib in cb)
        found: dict[tuple[int, int], Placement] = {}
        for bound, ka, ia, kb, ib in combos:
            if len(found) >= count and bound >= sorted(p.cost for p in found.values())[count - 1]:
                break
            p = self._try_pair(state, base, a, b, ka, ia, kb, ib)
            if p is not None and ((ka, kb) not in found or p.cost < found[(ka, kb)].cost):
                found[(ka, kb)] = p
        if not found:  # fall back on the ends of every pair of routes (feasible unless shifts end)
            c = self.c
            for ka in c.allowed[a]:
                for kb in c.allowed[b]:
                    p = self._try_pair(state, base, a, b, ka, len(state.routes[ka]), kb, len(state.routes[kb]))
                    if p is not None and ((ka, kb) not in found or p.cost < found[(ka, kb)].cost):
                        found[(ka, kb)] = p
        return list(found.values())

    def _try_pair(
        self, state: State, base: float, a: int, b: int, ka: int, ia: int, kb: int, ib: int
    ) -> Placement | None:
        if ka == kb and ib >= ia:
            ib += 1
        trial = Trial()
        self.evaluations += 1
        if not state.trial_insert(trial, a, ka, ia) or not state.trial_insert(trial, b, kb, ib):
            return None
        cost = state.trial_cost(trial)
        if cost is None:
            return None
        return Placement(cost - base, (a, b), (ka, kb), (ia, ib), trial, state.stamp)

    def _chain_options(self, state: State, base: float, job: tuple[int, ...]) -> list[Placement]:
        """Three or more tied visits: greedily, each at its cheapest index given the ones placed before."""
        c = self.c
        trial = Trial()
        routes: list[int] = []
        index: list[int] = []
        for v in job:
            best: tuple[float, int, int, Trial] | None = None
            for k in c.allowed[v]:
                r = trial.routes[k] if k in trial.routes else state.routes[k]
                for i in range(len(r) + 1):
                    t = trial.copy()
                    if not state.trial_insert(t, v, k, i):
                        continue
                    cost = state.trial_cost(t)
                    if cost is not None and (best is None or cost < best[0]):
                        best = (cost, k, i, t)
            if best is None:
                return []
            _, k, i, trial = best
            routes.append(k)
            index.append(i)
        cost = state.trial_cost(trial)
        if cost is None:
            return []
        return [Placement(cost - base, job, tuple(routes), tuple(index), trial, state.stamp)]

    def apply(self, state: State, p: Placement) -> bool:
        """Insert the placement (re-tried unless its trial is current); False if infeasible now."""
        trial = p.trial if p.trial is not None and p.stamp == state.stamp else None
        if trial is None:
            trial = Trial()
            for v, k, i in zip(p.visits, p.routes, p.index, strict=True):
                if not state.trial_insert(trial, v, k, i):
                    return False
            if state.trial_cost(trial) is None:
                return False
        state.commit(trial)
        return True


class Search:
    """The search. Its trajectory depends on the problem, the seed and the time limit only (the cooling
    schedule is sized in iterations from the limit, the problem size and a calibrated rate); the clock only
    decides where it stops. ``max_iterations`` makes the stop reproducible too."""

    def __init__(
        self,
        c: Compiled,
        jobs: list[int],
        *,
        seed: int,
        time_limit: float,
        deadline: float | None = None,
        max_iterations: int | None = None,
        params: Params | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_progress: Callable[[float, float | None], None] | None = None,
    ) -> None:
        self.c = c
        self.jobs = jobs
        self.params = params or Params()
        self.rng = random.Random(seed)
        self.clock = clock
        self.started = clock()
        self.deadline = deadline if deadline is not None else self.started + time_limit
        self.max_iterations = max_iterations
        self.time_limit = time_limit
        self.on_progress = on_progress
        self._reported = -math.inf  # the clock at the last progress report
        if max_iterations is not None:
            self.schedule = max(1, max_iterations)
        else:
            self.schedule = max(100, int(self.params.rate * time_limit / max(1, c.n)))
        self.inserter = Inserter(c, self.rng, pair_candidates=self.params.pair_candidates)
        self.iterations = 0
        self.trace: list[tuple[int, float]] = []  # (iteration, cost) at each new best
        self.destroy_ops: list[Callable[[State, int], list[int]]] = [
            self.random_removal,
            self.worst_removal,
            self.related_removal,
            self.route_removal,
            self.time_removal,
            self.string_removal,
        ]
        self._neighbours: dict[int, list[int]] = {}
        named = dict(zip(("random", "worst", "related", "route", "time", "string"), self.destroy_ops, strict=True))
        self.destroy_ops = [named[d] for d in self.params.destroys]
        self.d_weights = [1.0] * len(self.destroy_ops)
        self.d_scores = [0.0] * len(self.destroy_ops)
        self.d_uses = [0] * len(self.destroy_ops)

    # -- time -----------------------------------------------------------------------------------

    def out_of_time(self) -> bool:
        if self.max_iterations is not None:
            return self.iterations >= self.max_iterations
        return self.clock() >= self.deadline

    def progress(self) -> float:
        """The share of the cooling schedule done (counted in iterations, so reproducible)."""
        return min(1.0, self.iterations / self.schedule)

    def done(self) -> float:
        """The share of the run done, 0..1: of ``max_iterations`` if given, else of the time limit."""
        if self.max_iterations is not None:
            return min(1.0, self.iterations / max(1, self.max_iterations))
        if self.time_limit <= 0:
            return 1.0
        began = self.deadline - self.time_limit
        return min(1.0, max(0.0, (self.clock() - began) / self.time_limit))

    #: Seconds between progress reports (besides the first and the last).
    REPORT_EVERY = 0.5

    def report(self, share: float | None, best: State | None, *, force: bool = False) -> None:
        """Tell ``on_progress`` (share done, the cost of the best plan so far or None) — at most every
        :attr:`REPORT_EVERY` seconds unless ``force``. Reads the clock, never the random generator."""
        if self.on_progress is None:
            return
        now = self.clock()
        if not force and now - self._reported < self.REPORT_EVERY:
            return
        self._reported = now
        self.on_progress(self.done() if share is None else share, None if best is None else best.cost())

    # -- construction ---------------------------------------------------------------------------

    def construct(self) -> tuple[State, list[int]]:
        """Jobs by window opening, each at its cheapest place (never stops for the clock: a plan must exist)."""
        state = State(self.c)
        c = self.c
        order = sorted(self.jobs, key=lambda j: (min(c.early[v] for v in c.jobs[j]), j))
        failed = self._insert_in_order(state, order, check_time=False)
        return state, failed

    def _insert_in_order(self, state: State, order: list[int], check_time: bool = True) -> list[int]:
        failed: list[int] = []
        for j in order:
            if check_time and self.max_iterations is None and self.clock() >= self.deadline:
                raise OutOfTime
            job = self.c.jobs[j]
            for p in self.inserter.options(state, job):
                if self.inserter.apply(state, p):
                    break
            else:
                failed.append(j)
        return failed

    # -- repair ---------------------------------------------------------------------------------

    def greedy_repair(self, state: State, jobs: list[int]) -> list[int]:
        order = list(jobs)
        how = self.rng.random()
        c = self.c
        if how < 0.4:
            self.rng.shuffle(order)
        elif how < 0.7:
            order.sort(key=lambda j: min(c.early[v] for v in c.jobs[j]))
        else:  # hardest first: pairs and few able staff
            order.sort(key=lambda j: (-len(c.jobs[j]), min(len(c.allowed[v]) for v in c.jobs[j])))
        return self._insert_in_order(state, order)

    # -- destroy --------------------------------------------------------------------------------

    def _planned_jobs(self, state: State) -> list[int]:
        c = self.c
        return [j for j in self.jobs if state.route_of[c.jobs[j][0]] >= 0]

    def random_removal(self, state: State, q: int) -> list[int]:
        jobs = self._planned_jobs(state)
        return self.rng.sample(jobs, min(q, len(jobs)))

    def worst_removal(self, state: State, q: int) -> list[int]:
        c = self.c
        contrib: list[tuple[float, int]] = []
        for j in self._planned_jobs(state):
            total = 0.0
            for v in c.jobs[j]:
                k = state.route_of[v]
                r = state.routes[k]
                i = state.pos[v]
                prev_t = c.tsv[k][v] if i == 0 else c.tvv[r[i - 1]][v]
                if i + 1 < len(r):
                    nxt = r[i + 1]
                    skip = c.tsv[k][nxt] if i == 0 else c.tvv[r[i - 1]][nxt]
                    total += c.w_travel * (prev_t + c.tvv[v][nxt] - skip)
                else:
                    skip = 0.0 if i == 0 else c.tve[k][r[i - 1]]
                    total += c.w_travel * (prev_t + c.tve[k][v] - skip)
                tard = state.start[v] - c.late[v]
                if tard > 0:
                    total += c.w_tard * tard + (c.w_max * tard if tard >= state.tard_max - 1e-9 else 0.0)
                total += c.face[v][k]
            contrib.append((total, j))
        contrib.sort(reverse=True)
        chosen: list[int] = []
        while contrib and len(chosen) < q:
            idx = int(len(contrib) * self.rng.random() ** 4)
            chosen.append(contrib.pop(idx)[1])
        return chosen

    def related_removal(self, state: State, q: int) -> list[int]:
        c = self.c
        jobs = self._planned_jobs(state)
        if not jobs:
            return []
        seed = self.rng.choice(jobs)
        sv = c.jobs[seed][0]
        scale_t = 1.0
        scored: list[tuple[float, int]] = []
        for j in jobs:
            v = c.jobs[j][0]
            rel = min(c.tvv[sv][v], c.tvv[v][sv]) + scale_t * abs(state.start[v] - state.start[sv])
            scored.append((rel, j))
        scored.sort()
        chosen: list[int] = []
        while scored and len(chosen) < q:
            idx = int(len(scored) * self.rng.random() ** 5)
            chosen.append(scored.pop(idx)[1])
        return chosen

    def route_removal(self, state: State, q: int) -> list[int]:
        c = self.c
        used = [k for k in range(c.k) if state.routes[k]]
        if not used:
            return []
        chosen: list[int] = []
        seen: set[int] = set()
        self.rng.shuffle(used)
        for k in used:
            for v in state.routes[k]:
                j = c.job_of[v]
                if j not in seen:
                    seen.add(j)
                    chosen.append(j)
            if len(chosen) >= q // 2:
                break
        return chosen

    def string_removal(self, state: State, q: int) -> list[int]:
        """Strings of consecutive visits from the routes of a seed visit's nearest neighbours (in place and
        time), one string per route — the «slack induction by string removals» ruin of Christiaens and
        Vanden Berghe (2020)."""
        c = self.c
        planned = [v for v in range(c.n) if state.route_of[v] >= 0]
        if not planned:
            return []
        seed = self.rng.choice(planned)
        chosen: list[int] = []
        seen: set[int] = set()
        ruined: set[int] = set()
        for w in self.neighbours(seed):
            if len(chosen) >= q:
                break
            k = state.route_of[w]
            if k < 0 or k in ruined:
                continue
            ruined.add(k)
            r = state.routes[k]
            length = self.rng.randint(1, min(len(r), self.params.string_max, q - len(chosen)))
            i = state.pos[w]
            first = self.rng.randint(max(0, i - length + 1), min(i, len(r) - length))
            for x in r[first : first + length]:
                j = c.job_of[x]
                if j not in seen:
                    seen.add(j)
                    chosen.append(j)
        return chosen

    def neighbours(self, v: int) -> list[int]:
        """Visits by closeness to ``v``: travel both ways plus the difference of the window openings."""
        hit = self._neighbours.get(v)
        if hit is None:
            c = self.c
            tvv, early = c.tvv, c.early
            hit = sorted(range(c.n), key=lambda w: (tvv[v][w] + tvv[w][v] + abs(early[v] - early[w]), w))
            self._neighbours[v] = hit
        return hit

    def time_removal(self, state: State, q: int) -> list[int]:
        c = self.c
        jobs = self._planned_jobs(state)
        if not jobs:
            return []
        pivot = state.start[c.jobs[self.rng.choice(jobs)][0]]
        jobs.sort(key=lambda j: abs(state.start[c.jobs[j][0]] - pivot))
        return jobs[:q]

    # -- the loop -------------------------------------------------------------------------------

    def _pick(self, weights: list[float]) -> int:
        total = sum(weights)
        x = self.rng.random() * total
        for i, w in enumerate(weights):
            x -= w
            if x <= 0:
                return i
        return len(weights) - 1

    @staticmethod
    def _value(state: State, unplanned: list[int]) -> float:
        return state.cost() + BIG * len(unplanned)

    def run(self) -> tuple[State, list[int]]:
        """The best state found and the jobs it leaves unplanned. Reports progress (if ``on_progress`` is
        set) with 0.0 at the start, then about every :attr:`REPORT_EVERY` seconds from the end of the
        construction on, and with 1.0 at the end; an exception raised by the callback ends the search and
        propagates."""
        self.report(0.0, None, force=True)
        best, best_unplanned = self._run()
        self.report(1.0, best, force=True)
        return best, best_unplanned

    def _run(self) -> tuple[State, list[int]]:
        pr = self.params
        current, cur_unplanned = self.construct()
        best, best_unplanned = current.copy(), list(cur_unplanned)
        cur_value = best_value = self._value(current, cur_unplanned)
        n_jobs = len(self.jobs)
        if n_jobs == 0:
            return best, best_unplanned
        reporting = self.on_progress is not None
        if reporting:
            self.report(None, best)
        q_min = min(n_jobs, pr.q_min)
        q_max = min(n_jobs, max(q_min, min(pr.q_max, int(pr.q_share * n_jobs))))
        t_start, t_end = pr.t_start / math.log(2), pr.t_end / math.log(2)  # times the best cost
        while not self.out_of_time():
            if reporting:
                self.report(None, best)
            self.iterations += 1
            q = self.rng.randint(q_min, q_max)
            di = self._pick(self.d_weights)
            trial = current.copy()
            removed = self.destroy_ops[di](trial, q)
            visits = [v for j in removed for v in self.c.jobs[j]]
            if not trial.remove(visits):
                continue
            try:
                failed = self.greedy_repair(trial, removed + cur_unplanned)
            except OutOfTime:
                break
            value = self._value(trial, failed)
            score = 0.0
            temperature = max(best_value, 1e-9) * t_start * (t_end / t_start) ** self.progress()
            if value < best_value - 1e-9:
                best, best_unplanned, best_value = trial.copy(), list(failed), value
                self.trace.append((self.iterations, best_value))
                score = 33.0
            elif value < cur_value - 1e-9:
                score = 9.0
            elif value > cur_value + 1e-9 and self.rng.random() < math.exp(-(value - cur_value) / temperature):
                score = 13.0
            if score or abs(value - cur_value) <= 1e-9:
                current, cur_unplanned, cur_value = trial, failed, value
            self.d_scores[di] += score
            self.d_uses[di] += 1
            if self.iterations % pr.segment == 0:
                w, sc, u = self.d_weights, self.d_scores, self.d_uses
                for i in range(len(w)):
                    if u[i]:
                        w[i] = max(0.05, (1 - pr.reaction) * w[i] + pr.reaction * sc[i] / u[i])
                    sc[i], u[i] = 0.0, 0
        return best, best_unplanned
