"""The visit planner: who visits whom, in what order, at what time (issue 5). Pure Python, no Django.

``model`` holds the problem and solution data types (separate from any solver, as PyVRP keeps its
``ProblemData``); ``evaluate`` computes the cost of a solution and every broken hard rule; the
readers and writers of the public benchmark formats live in ``hhcrsp`` and ``vrptw``; solvers in
``solver`` (ours) and ``baseline`` (plain OR-Tools routing). The Django app that builds problems
from planned visits (``helhet.care``) imports this package, never the other way round.
"""
