#!/usr/bin/env python3
"""The benchmark's queries as DuckDB SQL straight over raw VNet flow-log files, for timing
kqlite side by side (run by benches/flow_logs.rs when `import duckdb` works).

Each PT1H.json is read whole (read_json_objects), shaped with json_transform, and its tuples
are flattened and split on ',' into one row per tuple (no Traffic Analytics aggregation, so
compare with kqlite's --interval 0 answers):

  q3: summarize count(), sum(BytesSrcToDest + BytesDestToSrc) by bin(FlowStartTime, 1h), FlowStatus
  q1: where SrcIp contains "10.10.4" | summarize count() by MacAddress

Prints `QUERY rows=N seconds=S`.
"""
import argparse
import os
import sys
import time

import duckdb

SHAPE = ('{"records":[{"macAddress":"VARCHAR","flowRecords":{"flows":[{"flowGroups":'
         '[{"flowTuples":["VARCHAR"]}]}]}}]}')

TUPLES = """
WITH rec AS (
  SELECT unnest(json_transform(json, '{shape}').records) AS r
  FROM read_json_objects('{glob}', format='unstructured', maximum_object_size=268435456)
), t AS (
  SELECT r.macAddress AS mac,
         string_split(unnest(flatten(list_transform(r.flowRecords.flows,
             lambda f: flatten(list_transform(f.flowGroups, lambda g: g.flowTuples))))), ',') AS p
  FROM rec
)
SELECT make_timestamp(CAST(p[1] AS BIGINT) * 1000) AS FlowStartTime,
       p[2] AS SrcIp,
       CASE p[8] WHEN 'D' THEN 'Denied' ELSE 'Allowed' END AS FlowStatus,
       TRY_CAST(p[11] AS BIGINT) AS BytesSrcToDest,
       TRY_CAST(p[13] AS BIGINT) AS BytesDestToSrc,
       upper(concat_ws('-', mac[1:2], mac[3:4], mac[5:6], mac[7:8], mac[9:10], mac[11:12])) AS MacAddress
FROM t
"""

QUERIES = {
    "q3": """SELECT time_bucket(INTERVAL 1 hour, FlowStartTime) AS h, FlowStatus, count(*),
                    sum(coalesce(BytesSrcToDest, 0) + coalesce(BytesDestToSrc, 0))
             FROM flows GROUP BY ALL""",
    "q1": """SELECT MacAddress, count(*) FROM flows WHERE SrcIp ILIKE '%10.10.4%' GROUP BY ALL""",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--query", choices=sorted(QUERIES), default="q3")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    glob = os.path.join(a.data, "**", "PT1H.json").replace("'", "''")
    con = duckdb.connect()
    con.execute(f"SET threads = {a.threads}")
    con.execute("CREATE VIEW flows AS " + TUPLES.format(shape=SHAPE, glob=glob))
    started = time.perf_counter()
    rows = con.execute(QUERIES[a.query]).fetchall()
    print(f"{a.query} rows={len(rows)} seconds={time.perf_counter() - started:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
