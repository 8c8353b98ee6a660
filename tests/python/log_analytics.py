"""The Log Analytics query API of kqlite serve: its documented shape over plain HTTP (GET and
POST, timespan, Prefer: include-render=true, errors), then azure-monitor-query's
LogsQueryClient pointed at the server. Usage: log_analytics.py URL"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.monitor.query import LogsQueryClient, LogsQueryStatus

url = sys.argv[1].rstrip("/")
endpoint = url + "/v1/workspaces/00000000-0000-0000-0000-000000000000/query"
checked = []


def post(body, headers=None):
    request = urllib.request.Request(endpoint, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


query = "NTANetAnalytics | summarize Flows = count() by FlowStatus | order by FlowStatus asc | render piechart with (title='Status')"
status, body = post({"query": query})
assert status == 200, (status, body)
assert list(body) == ["tables"], body.keys()
table = body["tables"][0]
assert table["name"] == "PrimaryResult"
assert table["columns"] == [{"name": "FlowStatus", "type": "string"}, {"name": "Flows", "type": "long"}], table["columns"]
assert [r[0] for r in table["rows"]] == ["Allowed", "Denied"], table["rows"]
total = sum(r[1] for r in table["rows"])
checked.append(f"POST shape: tables[0] PrimaryResult, columns name/type, {total} flows")

status, rendered = post({"query": query}, {"Prefer": "include-render=true"})
assert rendered["render"]["visualization"] == "piechart" and rendered["render"]["title"] == "Status", rendered
checked.append("Prefer: include-render=true adds render")

get_url = endpoint + "?" + urllib.parse.urlencode({"query": "NTANetAnalytics | count", "timespan": "P3650D"})
with urllib.request.urlopen(get_url) as response:
    assert json.load(response)["tables"][0]["rows"] == [[total]]
status, narrow = post({"query": "NTANetAnalytics | count", "timespan": "2000-01-01T00:00:00Z/2000-01-02T00:00:00Z"})
assert narrow["tables"][0]["rows"] == [[0]], narrow
checked.append("GET and timespan: ten years keep every flow, a day in 2000 keeps none")

status, error = post({"query": "NTANetAnalytics | where FlowStatuz == 1"})
assert status == 400 and error["error"]["code"] == "BadArgumentError", error
inner = error["error"]["innererror"]
assert inner["code"] == "SemanticError" and inner["line"] == 1 and "FlowStatuz" in inner["message"], inner
status, error = post({"querry": "x"})
assert status == 400 and "no `query`" in error["error"]["message"], error
checked.append("errors: 400 BadArgumentError with line and position")


class NoAuthentication(SansIOHTTPPolicy):
    """The server on loopback needs no token; LogsQueryClient would otherwise insist on https."""


class NoCredential:
    def get_token(self, *scopes, **kwargs):
        raise AssertionError("no token is needed")


client = LogsQueryClient(NoCredential(), endpoint=url, authentication_policy=NoAuthentication())
result = client.query_workspace("00000000-0000-0000-0000-000000000000", query,
                                timespan=timedelta(days=3650), include_visualization=True)
assert result.status == LogsQueryStatus.SUCCESS, result
rows = [list(r) for r in result.tables[0].rows]
assert rows == table["rows"], rows
assert result.visualization["visualization"] == "piechart", result.visualization
checked.append(f"LogsQueryClient.query_workspace: {rows}, visualization piechart")

for line in checked:
    print("ok:", line)
print(f"{len(checked)} passed, 0 failed")
