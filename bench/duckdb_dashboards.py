#!/usr/bin/env python3
"""The DuckDB reference for the dashboards benchmark: converts the exported journeys (CSV) to
Parquet, then times each query — a full scan of the Parquet file, as an analyst with DuckDB
would run it — and prints JSON {"parquet_s": …, "queries": {name: [ms, …]}}.

Usage: duckdb_dashboards.py JOURNEYS.csv QUERIES.json REPEATS
QUERIES.json is a list of {"name", "sql"}; each sql reads the table `journeys`.
"""
import json
import sys
import time

import duckdb


def main():
    csv_path, queries_path, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    parquet = csv_path.rsplit(".", 1)[0] + ".parquet"
    con = duckdb.connect()
    started = time.perf_counter()
    con.execute(
        f"COPY (SELECT * FROM read_csv('{csv_path}', header=true, all_varchar=true)) "
        f"TO '{parquet}' (FORMAT parquet)"
    )
    parquet_s = time.perf_counter() - started
    con.execute(f"CREATE VIEW journeys AS SELECT * FROM read_parquet('{parquet}')")
    with open(queries_path) as f:
        queries = json.load(f)
    out = {}
    for q in queries:
        con.execute(q["sql"]).fetchall()  # warm the file cache
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            con.execute(q["sql"]).fetchall()
            times.append((time.perf_counter() - started) * 1000.0)
        out[q["name"]] = times
    print(json.dumps({"parquet_s": parquet_s, "threads": con.execute("SELECT current_setting('threads')").fetchone()[0], "queries": out}))


if __name__ == "__main__":
    main()
