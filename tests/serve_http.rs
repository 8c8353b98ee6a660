//! `kqlite serve` over HTTP: the Kusto and Log Analytics shapes, every kind of bad request and
//! every limit (each gets its HTTP error and the server keeps answering), the token, reloading
//! when logs arrive, a clean stop on SIGTERM, and a bounded loopback load test.
//!
//! Shapes: https://learn.microsoft.com/azure/data-explorer/kusto/api/rest/response-v2 ,
//! https://learn.microsoft.com/azure/azure-monitor/logs/api/response-format ; limits:
//! https://learn.microsoft.com/azure/data-explorer/kusto/concepts/querylimits

mod serve_support;

use serve_support::{example_logs, request, Server};
use std::time::{Duration, Instant};

/// A query that takes well over a millisecond even in a release build.
const SLOW: &str = "range x from 1 to 300000 step 1 | summarize count() by tostring(x) | count";
/// A query that takes a few tenths of a second in a release build (seconds in a debug one).
const SLOWER: &str = "range x from 1 to 1000000 step 1 | summarize count() by tostring(x) | count";

/// The `PrimaryResult` frame of a v2 response.
fn primary_frame(frames: &serde_json::Value) -> &serde_json::Value {
    frames
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["TableKind"] == "PrimaryResult")
        .expect("a PrimaryResult frame")
}

fn csl(query: &str) -> String {
    serde_json::json!({ "db": "kqlite", "csl": query }).to_string()
}

#[test]
fn v2_query_answers_frames_and_errors_point_into_the_query() {
    let server = Server::start(&example_logs(), &[]);
    let reply = server.post(
        "/v2/rest/query",
        &csl("NTANetAnalytics | summarize Flows = count() by FlowStatus | order by FlowStatus asc"),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.header("x-ms-activity-id").is_some());
    let frames = reply.json();
    let primary = primary_frame(&frames);
    assert_eq!(
        primary["Rows"],
        serde_json::json!([["Allowed", 849], ["Denied", 120]])
    );

    let bad = server.post(
        "/v2/rest/query",
        &csl("NTANetAnalytics\n| where FlowStatuz == 1"),
    );
    assert_eq!(bad.status, 400);
    let error = &bad.json()["error"];
    assert_eq!(error["code"], "General_BadRequest");
    assert_eq!(
        (error["@line"].as_u64(), error["@column"].as_u64()),
        (Some(2), Some(9))
    );
    assert!(
        error["@message"].as_str().unwrap().contains("^^^^^^^^^^"),
        "{error}"
    );
}

#[test]
fn malformed_requests_get_the_matching_http_error() {
    let server = Server::start(&example_logs(), &["--max-body", "2000"]);
    let cases: &[(&str, &str, &str, u16, &str)] = &[
        ("POST", "/v2/rest/query", "{not json", 400, "not valid JSON"),
        (
            "POST",
            "/v2/rest/query",
            "{\"db\":\"kqlite\"}",
            400,
            "no `csl`",
        ),
        (
            "POST",
            "/v2/rest/query",
            "{\"csl\":\"   \"}",
            400,
            "`csl` is empty",
        ),
        (
            "POST",
            "/v2/rest/query",
            "{\"csl\":42}",
            400,
            "must be a string",
        ),
        (
            "POST",
            "/v2/rest/query",
            "{\"db\":\"Other\",\"csl\":\"print 1\"}",
            400,
            "database `Other` not found",
        ),
        (
            "POST",
            "/v1/rest/mgmt",
            "{\"csl\":\".create table T (a:string)\"}",
            403,
            "read-only",
        ),
        (
            "POST",
            "/v1/rest/mgmt",
            "{\"csl\":\".show cluster\"}",
            400,
            "not a command kqlite serve answers",
        ),
        (
            "POST",
            "/v1/rest/mgmt",
            "{\"csl\":\".show table Nope schema as json\"}",
            400,
            "table `Nope` not found",
        ),
        (
            "POST",
            "/v2/rest/query",
            "{\"csl\":\"print 1\",\"properties\":{\"Options\":{\"servertimeout\":\"soon\"}}}",
            400,
            "servertimeout",
        ),
        ("DELETE", "/v2/rest/query", "", 405, ""),
        ("GET", "/v1/rest/mgmt", "", 405, ""),
        ("GET", "/v3/rest/query", "", 404, "no such endpoint"),
        ("POST", "/v1/workspaces/x/query", "[]", 400, "no `query`"),
        (
            "POST",
            "/v1/workspaces/x/query",
            "{\"query\":\"print 1\",\"timespan\":\"yesterday\"}",
            400,
            "ISO 8601",
        ),
    ];
    for (method, path, body, status, needle) in cases {
        let reply = server.request(method, path, &[], body.as_bytes());
        assert_eq!(
            reply.status, *status,
            "{method} {path} {body}: {}",
            reply.body
        );
        assert!(
            reply.body.contains(needle),
            "{method} {path} {body}: {}",
            reply.body
        );
    }
    let big = format!("{{\"csl\":\"print '{}'\"}}", "x".repeat(5000));
    assert_eq!(server.post("/v2/rest/query", &big).status, 413);
    // Half a request, then the connection closes: the server shrugs it off.
    let _ = request(
        server.port,
        "POST",
        "/v2/rest/query",
        &[("Content-Length", "500")],
        b"{\"csl\":",
    );
    assert_eq!(server.post("/v2/rest/query", &csl("print 1")).status, 200);
}

#[test]
fn results_are_truncated_at_the_record_and_byte_limits() {
    let server = Server::start(
        &example_logs(),
        &["--max-records", "3", "--max-result-bytes", "100000"],
    );
    let reply = server.post("/v2/rest/query", &csl("NTANetAnalytics | project SrcIp"));
    assert_eq!(reply.status, 200);
    let frames = reply.json();
    let primary = primary_frame(&frames);
    let rows = primary["Rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4, "three rows and the error");
    let message = rows[3]["OneApiErrors"][0]["error"]["@message"]
        .as_str()
        .unwrap();
    assert_eq!(
        message,
        "The Kusto DataEngine has failed to execute a query: 'Query result set has exceeded the internal record count limit 3 (E_QUERY_RESULT_SET_TOO_LARGE).'"
    );
    assert_eq!(
        frames.as_array().unwrap().last().unwrap()["HasErrors"],
        true
    );
    let lifted = server.post(
        "/v2/rest/query",
        &csl("set notruncation;\nNTANetAnalytics | project SrcIp"),
    );
    let lifted = lifted.json();
    assert_eq!(
        primary_frame(&lifted)["Rows"].as_array().unwrap().len(),
        969
    );

    let bytes = server.post("/v1/rest/query", &csl("set truncationmaxrecords=100000; set truncationmaxsize=300; NTANetAnalytics | project SrcIp, DestIp"));
    let v1 = bytes.json();
    assert!(
        v1["Exceptions"][0]
            .as_str()
            .unwrap()
            .contains("internal data size limit 300"),
        "{v1}"
    );
    let la = server.post(
        "/v1/workspaces/x/query",
        "{\"query\":\"NTANetAnalytics | project SrcIp\"}",
    );
    assert_eq!(la.json()["tables"][0]["rows"].as_array().unwrap().len(), 3);
    assert_eq!(la.json()["error"]["code"], "PartialError");
}

#[test]
fn a_query_past_its_time_limit_gets_504_and_the_server_goes_on() {
    let server = Server::start(&example_logs(), &["--query-timeout", "30s"]);
    let started = Instant::now();
    let body = serde_json::json!({
        "csl": SLOW,
        "properties": {"Options": {"servertimeout": "00:00:00.001"}}
    });
    let reply = server.post("/v2/rest/query", &body.to_string());
    assert_eq!(reply.status, 504, "{}", reply.body);
    assert!(reply.body.contains("time limit"), "{}", reply.body);
    assert!(started.elapsed() < Duration::from_secs(5));
    let la = server.post("/v1/workspaces/x/query", "{\"query\":\"print 1\"}");
    assert_eq!(la.status, 200);
    let mut short = Server::start(&example_logs(), &["--query-timeout", "00:00:00.001"]);
    assert_eq!(short.post("/v2/rest/query", &csl(SLOW)).status, 504);
    assert!(short.terminate().success());
}

#[test]
fn a_timed_out_query_stops_and_frees_its_slot() {
    // One slot. A cartesian join that streams 1.2 G rows reads no table, so only the
    // executor's own checks can stop it; the next query gets the slot at once, not after the
    // join would have ended (minutes).
    let server = Server::start(
        &example_logs(),
        &["--max-concurrent", "1", "--query-timeout", "30s"],
    );
    let join = "range x from 1 to 400000 step 1 | extend k = 1 | join kind=inner \
                (range y from 1 to 3000 step 1 | extend k = 1) on k | count";
    let body = serde_json::json!({
        "csl": join,
        "properties": {"Options": {"servertimeout": "00:00:01"}}
    });
    let reply = server.post("/v2/rest/query", &body.to_string());
    assert_eq!(reply.status, 504, "{}", reply.body);
    let started = Instant::now();
    let next = server.post("/v2/rest/query", &csl("print ok = 1"));
    assert_eq!(next.status, 200, "{}", next.body);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn too_many_queries_at_once_get_429() {
    let server = Server::start(
        &example_logs(),
        &["--max-concurrent", "1", "--max-queued", "0"],
    );
    let port = server.port;
    let replies: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(move || {
                    request(port, "POST", "/v2/rest/query", &[], csl(SLOWER).as_bytes()).status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(replies.contains(&200), "{replies:?}");
    assert!(replies.contains(&429), "{replies:?}");
    assert_eq!(server.post("/v2/rest/query", &csl("print 1")).status, 200);
}

#[test]
fn a_token_is_required_when_given_and_off_loopback() {
    let server = Server::start(&example_logs(), &["--token", "s3cret"]);
    let body = csl("print 1");
    assert_eq!(
        server
            .request("POST", "/v2/rest/query", &[], body.as_bytes())
            .status,
        401
    );
    let wrong = server.request(
        "POST",
        "/v2/rest/query",
        &[("Authorization", "Bearer nope")],
        body.as_bytes(),
    );
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.header("www-authenticate"), Some("Bearer"));
    let right = server.request(
        "POST",
        "/v2/rest/query",
        &[("Authorization", "Bearer s3cret")],
        body.as_bytes(),
    );
    assert_eq!(right.status, 200);
    assert_eq!(server.request("GET", "/api/schema", &[], b"").status, 401);
    assert_eq!(
        server.request("GET", "/", &[], b"").status,
        200,
        "the page itself holds no data"
    );

    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_kqlite"))
        .args(["serve", "--logs", &example_logs(), "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("needs --token"));
}

#[test]
fn sigint_and_sigterm_stop_the_server_cleanly() {
    let mut interrupted = Server::start(&example_logs(), &[]);
    assert_eq!(
        interrupted.post("/v2/rest/query", &csl("print 1")).status,
        200
    );
    assert!(interrupted.signal(libc::SIGINT).success());
    let mut server = Server::start(&example_logs(), &[]);
    assert_eq!(server.post("/v2/rest/query", &csl("print 1")).status, 200);
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
}

#[test]
fn new_log_files_are_picked_up_while_serving() {
    let dir = std::env::temp_dir().join(format!("kqlite-serve-reload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let source = format!("{}/aws/AWSLogs", example_logs());
    let files: Vec<_> = walk(std::path::Path::new(&source));
    assert!(files.len() >= 2, "{files:?}");
    std::fs::copy(&files[0], dir.join("first.log")).unwrap();
    let server = Server::start(dir.to_str().unwrap(), &["--rescan", "0.2"]);
    let count = || {
        let reply = server.post(
            "/v1/workspaces/x/query",
            "{\"query\":\"AWSVPCFlow | count\"}",
        );
        reply.json()["tables"][0]["rows"][0][0].as_i64().unwrap()
    };
    let before = count();
    assert!(before > 0);
    let ext = files[1]
        .extension()
        .map(|e| e.to_string_lossy().to_string())
        .unwrap_or_default();
    std::fs::copy(&files[1], dir.join(format!("second.{ext}"))).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while count() == before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(count() > before, "the new file was not picked up");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn the_page_and_its_assets_are_served_from_the_binary() {
    let server = Server::start(&example_logs(), &[]);
    let page = server.request("GET", "/", &[], b"");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("/assets/page.js") && !page.body.contains("http"),
        "no outside links"
    );
    for asset in ["/assets/page.js", "/assets/page.css"] {
        assert_eq!(
            server.request("GET", asset, &[], b"").status,
            200,
            "{asset}"
        );
    }
    let schema = server.request("GET", "/api/schema", &[], b"").json();
    let nta = schema["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "NTANetAnalytics")
        .unwrap();
    assert!(nta["columns"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "FlowStatus"));
    assert!(schema["functions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "dcount"));
    let answer = server
        .post(
            "/api/query",
            "{\"query\":\"NTANetAnalytics | summarize count() by FlowStatus | render piechart\"}",
        )
        .json();
    assert_eq!(answer["rowCount"], 2);
    assert!(answer["chart"].as_str().unwrap().starts_with("<svg"));
    let error = server.post("/api/query", "{\"query\":\"NTANetAnalytics | take\"}");
    assert_eq!(error.status, 400);
    assert!(error.json()["error"]["rendered"]
        .as_str()
        .unwrap()
        .contains('^'));
}

/// 200 small queries at once, twice, over loopback: no errors, and memory after the second
/// round is not above the first (nothing accumulates per request).
#[test]
fn load_test_200_concurrent_small_queries() {
    let server = Server::start(&example_logs(), &[]);
    let port = server.port;
    let query = csl(
        "AWSVPCFlow | where Action == 'REJECT' | summarize count() by DstPort | top 3 by count_",
    );
    assert_eq!(server.post("/v2/rest/query", &query).status, 200);
    let rss_start = server.rss_kib();
    let mut rss_rounds = Vec::new();
    for round in 0..2 {
        let started = Instant::now();
        let mut latencies: Vec<Duration> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..200)
                .map(|_| {
                    let query = query.clone();
                    s.spawn(move || {
                        let t = Instant::now();
                        let reply = request(port, "POST", "/v2/rest/query", &[], query.as_bytes());
                        assert_eq!(reply.status, 200, "{}", reply.body);
                        t.elapsed()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        latencies.sort();
        let wall = started.elapsed();
        rss_rounds.push(server.rss_kib());
        println!(
            "round {round}: 200 queries in {:.2} s, latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; RSS {} KiB",
            wall.as_secs_f64(),
            latencies[100].as_secs_f64() * 1e3,
            latencies[197].as_secs_f64() * 1e3,
            latencies[199].as_secs_f64() * 1e3,
            rss_rounds[round]
        );
    }
    println!(
        "RSS before {rss_start} KiB, after round 1 {} KiB, after round 2 {} KiB",
        rss_rounds[0], rss_rounds[1]
    );
    assert!(
        rss_rounds[1] <= rss_rounds[0] + 16 * 1024,
        "memory grew between rounds: {rss_rounds:?}"
    );
    // One query alone, after the storm.
    let t = Instant::now();
    assert_eq!(
        server.post("/v2/rest/query", &csl("print x = 1")).status,
        200
    );
    println!(
        "a small query alone: {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
}
