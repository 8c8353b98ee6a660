"""The Kusto Python client (azure-kusto-data) against kqlite serve: queries through execute()
compared with `kqlite query --format csv` on the same logs, management commands through
execute_mgmt(), and the errors and limits as the client reports them.
Usage: kusto_client.py URL KQLITE LOGS NOW QUERY_FILE..."""
import csv
import io
import json
import math
import subprocess
import sys
from datetime import datetime, timedelta

from azure.kusto.data import ClientRequestProperties, KustoClient, KustoConnectionStringBuilder
from azure.kusto.data.exceptions import KustoApiError, KustoMultiApiError, KustoServiceError

url, kqlite, logs, now, *query_files = sys.argv[1:]
DB = "kqlite"
client = KustoClient(KustoConnectionStringBuilder.with_no_authentication(url))
checked = []


def cli_csv(query):
    out = subprocess.run([kqlite, "query", "--logs", logs, "--now", now, "--format", "csv", query],
                         check=True, capture_output=True, text=True).stdout
    rows = list(csv.reader(io.StringIO(out)))
    return rows[0], rows[1:]


def canonical(value, column_type):
    """A raw JSON cell as kqlite's CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if column_type == "dynamic":
        return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return str(value)


def same_cell(ours, cli, column_type):
    if column_type == "real" and ours not in ("", "NaN") and cli:
        return math.isclose(float(ours), float(cli), rel_tol=1e-12, abs_tol=1e-12)
    return ours == cli


def compare(query, name):
    response = client.execute(DB, query)
    table = response.primary_results[0]
    header, rows = cli_csv(query)
    names = [c.column_name for c in table.columns]
    types = [c.column_type for c in table.columns]
    assert names == header, f"{name}: columns {names} != {header}"
    assert len(table.raw_rows) == len(rows), f"{name}: {len(table.raw_rows)} rows != {len(rows)}"
    for i, (raw, cli) in enumerate(zip(table.raw_rows, rows)):
        ours = [canonical(v, t) for v, t in zip(raw, types)]
        assert all(same_cell(o, c, t) for o, c, t in zip(ours, cli, types)), f"{name} row {i}: {ours} != {cli}"
    checked.append(f"{name}: {len(rows)} rows x {len(names)} columns equal")
    return table


for path in query_files:
    with open(path) as f:
        compare(f.read(), path.rsplit("/", 1)[-1])

typed = compare("""NTANetAnalytics
| summarize Flows = count(), Bytes = sum(BytesSrcToDest), First = min(FlowStartTime),
            Span = max(FlowEndTime) - min(FlowStartTime), Ratio = avg(todouble(BytesSrcToDest)),
            Ports = make_set(DestPort, 3), AnyDenied = countif(FlowStatus == 'Denied') > 0
  by FlowDirection
| order by FlowDirection asc""", "typed summary")
# The client turns Kusto's JSON types into Python values.
row = typed.rows[0]
assert isinstance(row["Flows"], int) and isinstance(row["First"], datetime), row
assert isinstance(row["Span"], timedelta) and isinstance(row["Ports"], list), row
assert isinstance(row["AnyDenied"], bool) and isinstance(row["Ratio"], float), row

# The render visualization travels in @ExtendedProperties (a QueryProperties table).
rendered = client.execute(DB, "NTANetAnalytics | summarize count() by FlowStatus | render piechart with (title='Status')")
props = [t for t in rendered.tables if t.table_kind.value == "QueryProperties"]
assert props and props[0].rows[0]["Key"] == "Visualization", rendered.tables_names
vis = json.loads(props[0].rows[0]["Value"])
assert vis["Visualization"] == "piechart" and vis["Title"] == "Status", vis
checked.append("render piechart arrives in @ExtendedProperties")

# Query parameters and server timeout through ClientRequestProperties.
properties = ClientRequestProperties()
properties.set_parameter("port", "443")
properties.set_option(ClientRequestProperties.request_timeout_option_name, timedelta(seconds=30))
with_params = client.execute(DB, "declare query_parameters(port:long); NTANetAnalytics | where DestPort == port | count", properties)
direct = client.execute(DB, "NTANetAnalytics | where DestPort == 443 | count")
assert with_params.primary_results[0].rows[0][0] == direct.primary_results[0].rows[0][0]
checked.append(f"query parameters: {direct.primary_results[0].rows[0][0]} flows to port 443")

# Management commands.
tables = client.execute_mgmt(DB, ".show tables")
names = [r["TableName"] for r in tables.primary_results[0]]
assert "NTANetAnalytics" in names and "AWSVPCFlow" in names, names
dbs = client.execute_mgmt(DB, ".show databases")
assert dbs.primary_results[0].rows[0]["DatabaseName"] == DB
version = client.execute_mgmt(DB, ".show version").primary_results[0].rows[0]["ProductVersion"]
assert version.startswith("kqlite"), version
schema = client.execute_mgmt(DB, ".show table NTANetAnalytics schema as json").primary_results[0].rows[0]["Schema"]
columns = {c["Name"]: c["CslType"] for c in json.loads(schema)["OrderedColumns"]}
assert columns["FlowStartTime"] == "datetime" and columns["SrcIp"] == "string", columns
for command in [".show database schema as json", f".show database {DB} schema as json"]:
    doc = json.loads(client.execute_mgmt(DB, command).primary_results[0].rows[0][0])
    assert "NTANetAnalytics" in doc["Databases"][DB]["Tables"], command
entities = client.execute_mgmt(DB, f".show databases entities | where DatabaseName == '{DB}' and EntityName startswith 'AZFW' | count")
assert entities.primary_results[0].rows[0][0] >= 7
checked.append(f"management: .show tables ({len(names)}), databases, version ({version}), table schema, database schema, entities")

# Errors: kqlite's message and caret in Kusto's error JSON; read-only commands refused.
try:
    client.execute(DB, "NTANetAnalytics | where FlowStatuz == 'Denied'")
    raise AssertionError("a bad column must fail")
except KustoApiError as e:
    assert "unknown column `FlowStatuz`" in str(e) and "^^^^^^^^^^" in str(e), str(e)
    assert e.get_api_error().code == "General_BadRequest"
try:
    client.execute_mgmt(DB, ".drop table NTANetAnalytics")
    raise AssertionError("a writing command must fail")
except KustoServiceError as e:
    assert "read-only" in str(e), str(e)
checked.append("errors: semantic error with caret; .drop refused as read-only")

# Truncation: a partial query failure the client raises, as it does for Kusto.
try:
    client.execute(DB, "set truncationmaxrecords=5; NTANetAnalytics | project SrcIp")
    raise AssertionError("truncation must be reported")
except KustoMultiApiError as e:
    assert "record count limit 5" in str(e), str(e)
lifted = client.execute(DB, "set notruncation; set truncationmaxrecords=5; NTANetAnalytics | project SrcIp")
assert len(lifted.primary_results[0]) > 5
checked.append(f"truncation at 5 records reported; notruncation returns {len(lifted.primary_results[0])}")

for line in checked:
    print("ok:", line)
print(f"{len(checked)} passed, 0 failed")
