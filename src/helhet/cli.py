"""The ``helhet`` console command: Django's management commands under one name.

helhet demo [--seed N] [--no-serve]     build the demo world (and serve it)
helhet audit verify                     check the audit trail's hash chain
helhet plan-file INSTANCE --time-limit S --out SOLUTION.json   solve a planning instance (hhcrsp JSON)
helhet bench delivery | planner         benchmarks (figures as «name: value unit»)
helhet migrate | createsuperuser | ...  any Django management command
"""

from __future__ import annotations

import os
import sys

ALIASES = {"plan-file": "plan_file"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhet.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["helhet", *argv])
    args[0] = "helhet"
    # Django command names are module names; the documented spelling of some has a hyphen.
    if len(args) > 1 and args[1] in ALIASES:
        args[1] = ALIASES[args[1]]
    if len(args) == 1:
        args.append("help")
    execute_from_command_line(args)


if __name__ == "__main__":  # pragma: no cover
    main()
