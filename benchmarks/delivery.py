#!/usr/bin/env python
"""Provider delivery at national-provider scale: a thin entry to ``helhet bench delivery``.

    python benchmarks/delivery.py [--persons 50000] [--staff 5000] [--days 365] [--repeat 3] [--force]

Same as ``helhet bench delivery …`` (see ``benchmarks/README.md``). It builds its dataset on the
database ``DATABASE_URL`` points at and DELETES everything else there (the audit trail aside), so
point it at a database of its own.
"""

from __future__ import annotations

import sys

from helhet.cli import main

if __name__ == "__main__":
    main(["bench", "delivery", *sys.argv[1:]])
