// kqlite's query page: editor (highlighting, completion), run, results grid, chart, errors,
// history in localStorage and the query in the URL. No framework, no network beyond this server.
"use strict";

const PAGE_SIZE = 100;
const HISTORY_KEY = "kqlite.history";
const TOKEN_KEY = "kqlite.token";
const KEYWORDS = ["by", "on", "with", "kind", "asc", "desc", "and", "or", "not", "in", "has",
  "contains", "startswith", "endswith", "between", "let", "set", "true", "false", "null",
  "from", "to", "step", "nulls", "first", "last", "inner", "leftouter", "rightouter",
  "fullouter", "leftanti", "rightanti", "leftsemi", "rightsemi", "innerunique", "matches",
  "regex", "has_any", "has_all", "!contains", "!has", "!in", "in~", "=~", "!~", "typeof"];

const $ = (id) => document.getElementById(id);
const state = { schema: null, result: null, sort: null, page: 0, rows: [], errorSpan: null, completion: null };

// ---- server calls -------------------------------------------------------------------------

async function call(path, body) {
  const headers = { "Content-Type": "application/json" };
  const token = localStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = "Bearer " + token;
  const response = await fetch(path, body === undefined ? { headers } : { method: "POST", headers, body: JSON.stringify(body) });
  if (response.status === 401) {
    const entered = prompt("This server needs its token (kqlite serve --token):");
    if (entered) { localStorage.setItem(TOKEN_KEY, entered.trim()); return call(path, body); }
  }
  let json = null;
  try { json = await response.json(); } catch (_) { /* not JSON */ }
  return { status: response.status, json };
}

async function loadSchema() {
  const { json } = await call("/api/schema");
  if (!json || !json.tables) return;
  state.schema = json;
  $("database").textContent = "database " + json.database + " · " +
    json.tables.filter((t) => t.origin).length + " tables with data";
  highlight();
}

// ---- highlighting -------------------------------------------------------------------------

const TOKEN_RE = /(\/\/[^\n]*)|("(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)|(\b\d+(?:\.\d+)?(?:[a-z]+)?\b)|([A-Za-z_][\w-]*[\w]|[A-Za-z_])|(\s+|.)/g;

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
}

function classOf(word, next, afterPipe) {
  const schema = state.schema;
  if (afterPipe && schema && schema.operators.some((op) => op.split(" ")[0] === word)) return "t-op";
  if (KEYWORDS.includes(word) || (schema && schema.charts.includes(word))) return "t-kw";
  if (schema && next === "(" && schema.functions.includes(word)) return "t-fn";
  if (schema && schema.tables.some((t) => t.name === word)) return "t-tbl";
  return null;
}

function highlight() {
  const text = $("query").value;
  let html = "";
  let afterPipe = true;
  let offset = 0;
  const err = state.errorSpan;
  for (const m of text.matchAll(TOKEN_RE)) {
    const [tok, comment, str, num, word] = m;
    let cls = null;
    if (comment) cls = "t-cmt";
    else if (str) cls = "t-str";
    else if (num) cls = "t-num";
    else if (word) cls = classOf(word, text.slice(offset + tok.length).trimStart()[0], afterPipe);
    if (word) afterPipe = false;
    if (tok === "|") afterPipe = true;
    let piece = escapeHtml(tok);
    if (err && offset < err.end && offset + tok.length > err.start) cls = (cls ? cls + " " : "") + "t-err";
    html += cls ? `<span class="${cls}">${piece}</span>` : piece;
    offset += tok.length;
  }
  $("highlight").innerHTML = html + "\n";
  $("highlight").scrollTop = $("query").scrollTop;
}

// ---- completion ---------------------------------------------------------------------------

function tablesIn(text) {
  if (!state.schema) return [];
  return state.schema.tables.filter((t) => new RegExp("\\b" + t.name + "\\b").test(text));
}

function candidates(text, caret) {
  const before = text.slice(0, caret);
  const prefix = (before.match(/[\w-]*$/) || [""])[0];
  const head = before.slice(0, before.length - prefix.length);
  const schema = state.schema;
  if (!schema) return { prefix, items: [] };
  let items = [];
  if (/\|\s*$/.test(head)) {
    items = schema.operators.map((op) => ({ text: op, kind: "operator" }));
  } else if (/^\s*$/.test(head) || /\b(union|join|lookup)\s*(kind=\w+\s*)?\(?\s*$/.test(head) || /;\s*$/.test(head)) {
    items = schema.tables.map((t) => ({ text: t.name, kind: t.origin ? "table" : "table (empty)" }));
  } else if (/\brender\s+$/.test(head)) {
    items = schema.charts.map((c) => ({ text: c, kind: "chart" }));
  } else {
    const seen = new Set();
    for (const t of tablesIn(text)) for (const c of t.columns) {
      if (!seen.has(c.name)) { seen.add(c.name); items.push({ text: c.name, kind: c.type }); }
    }
    for (const f of schema.functions) items.push({ text: f + "(", kind: "function" });
    for (const k of ["by", "and", "or", "asc", "desc", "has", "contains", "in", "between"]) items.push({ text: k, kind: "keyword" });
  }
  const lower = prefix.toLowerCase();
  items = items.filter((i) => i.text.toLowerCase().startsWith(lower) && i.text !== prefix);
  return { prefix, items: items.slice(0, 50) };
}

function showCompletions(force) {
  const box = $("completions");
  const area = $("query");
  const { prefix, items } = candidates(area.value, area.selectionStart);
  if (!items.length || (!force && prefix.length === 0 && !/\|\s*$/.test(area.value.slice(0, area.selectionStart)))) {
    hideCompletions();
    return;
  }
  state.completion = { prefix, items, active: 0 };
  box.innerHTML = items.map((i, n) => `<li data-n="${n}"${n === 0 ? ' class="active"' : ""}><span>${escapeHtml(i.text)}</span><small>${escapeHtml(i.kind)}</small></li>`).join("");
  const { top, left } = caretPosition(area);
  box.style.top = top + 22 + "px";
  box.style.left = left + "px";
  box.hidden = false;
}

function hideCompletions() { $("completions").hidden = true; state.completion = null; }

function moveCompletion(step) {
  const c = state.completion;
  c.active = (c.active + step + c.items.length) % c.items.length;
  [...$("completions").children].forEach((li, n) => li.classList.toggle("active", n === c.active));
  $("completions").children[c.active].scrollIntoView({ block: "nearest" });
}

function acceptCompletion(n) {
  const c = state.completion;
  const area = $("query");
  const item = c.items[n === undefined ? c.active : n];
  const at = area.selectionStart;
  const start = at - c.prefix.length;
  area.setRangeText(item.text + (item.kind === "operator" ? " " : ""), start, at, "end");
  hideCompletions();
  highlight();
  area.focus();
}

// Where the caret is, in pixels inside the editor, measured on a mirror of the text.
function caretPosition(area) {
  const mirror = document.createElement("pre");
  const style = getComputedStyle(area);
  for (const p of ["font", "padding", "whiteSpace", "wordWrap", "width", "tabSize", "lineHeight"]) mirror.style[p] = style[p];
  mirror.style.position = "absolute"; mirror.style.visibility = "hidden"; mirror.style.margin = "0";
  mirror.textContent = area.value.slice(0, area.selectionStart);
  const mark = document.createElement("span"); mark.textContent = "\u200b"; mirror.appendChild(mark);
  area.parentNode.appendChild(mirror);
  const pos = { top: mark.offsetTop - area.scrollTop, left: mark.offsetLeft };
  mirror.remove();
  return pos;
}

// ---- running ------------------------------------------------------------------------------

async function run() {
  const text = $("query").value;
  if (!text.trim()) return;
  hideCompletions();
  $("run").disabled = true;
  $("status").textContent = "running…";
  remember(text);
  const url = new URL(location.href);
  url.searchParams.set("q", text);
  history.replaceState(null, "", url);
  const started = performance.now();
  let reply;
  try { reply = await call("/api/query", { query: text }); }
  catch (e) { reply = { status: 0, json: { error: { message: "cannot reach the server: " + e } } }; }
  $("run").disabled = false;
  const { json } = reply;
  if (!json || json.error) {
    showError(json ? json.error : { message: "HTTP " + reply.status });
    $("status").textContent = "failed after " + Math.round(performance.now() - started) + " ms";
    return;
  }
  state.errorSpan = null;
  highlight();
  $("error").hidden = true;
  state.result = json;
  state.sort = null;
  state.page = 0;
  state.rows = json.rows.map((row, i) => ({ row, i }));
  $("status").textContent = `${json.rowCount.toLocaleString()} rows · ${json.elapsedMs.toFixed(1)} ms` +
    (json.truncated ? " · truncated" : "");
  showChart(json);
  renderGrid();
  if (json.truncated) showError({ message: json.truncated }, true);
}

function showError(error, warningOnly) {
  $("error").hidden = false;
  $("error-text").textContent = error.rendered || error.message;
  if (!warningOnly) {
    $("results").hidden = true;
    $("chart").hidden = true;
    state.errorSpan = error.start === undefined ? null : { start: error.start, end: Math.max(error.end, error.start + 1) };
    highlight();
  }
}

function showChart(json) {
  const chart = $("chart");
  if (json.chart) { chart.innerHTML = json.chart; chart.hidden = false; }
  else if (json.chartError) { chart.textContent = json.chartError; chart.hidden = false; }
  else { chart.innerHTML = ""; chart.hidden = true; }
}

// ---- grid ---------------------------------------------------------------------------------

const NUMERIC = ["int", "long", "real"];

function cellText(value) {
  if (value === null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function compare(a, b) {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return cellText(a).localeCompare(cellText(b));
}

function sortBy(column) {
  const s = state.sort;
  state.sort = { column, dir: s && s.column === column && s.dir === 1 ? -1 : 1 };
  state.rows.sort((x, y) => state.sort.dir * compare(x.row[column], y.row[column]) || x.i - y.i);
  state.page = 0;
  renderGrid();
}

function renderGrid() {
  const { columns } = state.result;
  const thead = $("grid").tHead;
  thead.innerHTML = "<tr>" + columns.map((c, n) => {
    const cls = state.sort && state.sort.column === n ? (state.sort.dir === 1 ? "asc" : "desc") : "";
    return `<th data-col="${n}" class="${cls}"><span>${escapeHtml(c.name)}</span><small>${c.type}</small></th>`;
  }).join("") + "</tr>";
  const pages = Math.max(1, Math.ceil(state.rows.length / PAGE_SIZE));
  const slice = state.rows.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE);
  $("grid").tBodies[0].innerHTML = slice.map(({ row }) => "<tr>" + row.map((v, n) => {
    const cls = v === null ? "null" : NUMERIC.includes(columns[n].type) ? "num" : "";
    const text = cellText(v);
    return `<td class="${cls}" title="${escapeHtml(text)}">${escapeHtml(text)}</td>`;
  }).join("") + "</tr>").join("");
  $("page-info").textContent = `page ${state.page + 1} of ${pages} · rows ${state.rows.length ? state.page * PAGE_SIZE + 1 : 0}–${state.page * PAGE_SIZE + slice.length} of ${state.rows.length.toLocaleString()}`;
  $("prev").disabled = state.page === 0;
  $("next").disabled = state.page >= pages - 1;
  $("results").hidden = false;
}

// ---- history ------------------------------------------------------------------------------

function loadHistory() {
  try { return JSON.parse(localStorage.getItem(HISTORY_KEY)) || []; } catch (_) { return []; }
}

function remember(text) {
  const list = [text, ...loadHistory().filter((q) => q !== text)].slice(0, 50);
  localStorage.setItem(HISTORY_KEY, JSON.stringify(list));
  fillHistory();
}

function fillHistory() {
  $("history").innerHTML = '<option value="">—</option>' + loadHistory().map((q, n) =>
    `<option value="${n}">${escapeHtml(q.replace(/\s+/g, " ").slice(0, 80))}</option>`).join("");
}

// ---- wiring -------------------------------------------------------------------------------

function wire() {
  const area = $("query");
  area.addEventListener("input", () => { state.errorSpan = null; highlight(); showCompletions(false); });
  area.addEventListener("scroll", () => { $("highlight").scrollTop = area.scrollTop; });
  area.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); run(); return; }
    if (e.ctrlKey && e.key === " ") { e.preventDefault(); showCompletions(true); return; }
    if (state.completion) {
      if (e.key === "ArrowDown") { e.preventDefault(); moveCompletion(1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); moveCompletion(-1); }
      else if (e.key === "Tab" || e.key === "Enter") { e.preventDefault(); acceptCompletion(); }
      else if (e.key === "Escape") { hideCompletions(); }
    }
  });
  area.addEventListener("blur", () => setTimeout(hideCompletions, 150));
  $("completions").addEventListener("mousedown", (e) => {
    const li = e.target.closest("li");
    if (li) { e.preventDefault(); acceptCompletion(Number(li.dataset.n)); }
  });
  $("run").addEventListener("click", run);
  $("grid").tHead.addEventListener("click", (e) => {
    const th = e.target.closest("th");
    if (th) sortBy(Number(th.dataset.col));
  });
  $("prev").addEventListener("click", () => { state.page--; renderGrid(); });
  $("next").addEventListener("click", () => { state.page++; renderGrid(); });
  $("history").addEventListener("change", (e) => {
    const list = loadHistory();
    if (e.target.value !== "") { area.value = list[Number(e.target.value)]; highlight(); area.focus(); }
  });
}

async function start() {
  wire();
  fillHistory();
  const fromUrl = new URL(location.href).searchParams.get("q");
  if (fromUrl) $("query").value = fromUrl;
  highlight();
  await loadSchema();
  if (fromUrl) run();
}

start();
