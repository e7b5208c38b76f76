"""Record the query gate's verdicts on the shipped library (src/laborgraph/query/verdicts.json).

    .venv/bin/python scripts/record_query_verdicts.py          # write them
    .venv/bin/python scripts/record_query_verdicts.py --check  # exit 1 if the recorded ones are stale

Run it after changing a query in queries/reports/; tests/test_query_safety.py
fails until the recorded verdicts equal what the gate decides now. Every verdict
comes from the full parse (``safety.record_verdicts``); a refused query raises.
"""

import sys

from laborgraph.export import write_atomic
from laborgraph.query import library
from laborgraph.query.safety import VERDICTS, library_verdicts, record_verdicts, stale_verdicts
from laborgraph.resources import package_dir

if __name__ == "__main__":
    texts = [q.text for q in library()]
    if sys.argv[1:] == ["--check"]:
        problems = stale_verdicts(texts, library_verdicts())
        print("\n".join(problems) or "verdicts.json is current")
        sys.exit(1 if problems else 0)
    target = package_dir() / "query" / VERDICTS
    write_atomic(target, record_verdicts(texts))
    print(f"wrote {target}")
