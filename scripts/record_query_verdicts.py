"""Record the query gate's verdicts on the shipped library (src/laborgraph/query/verdicts.json).

    .venv/bin/python scripts/record_query_verdicts.py

Run it after changing a query in queries/reports/; tests/test_query_safety.py
fails until the recorded verdicts equal what the gate decides now.
"""

from laborgraph.query import library
from laborgraph.query.safety import VERDICTS, record_verdicts
from laborgraph.resources import package_dir

if __name__ == "__main__":
    target = package_dir() / "query" / VERDICTS
    target.write_text(record_verdicts([q.text for q in library()]), encoding="utf-8")
    print(f"wrote {target}")
