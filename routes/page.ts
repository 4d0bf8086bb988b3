/**
 * `GET /`: the live supervision page. Plain HTML with a little inline CSS and script, kept in this module
 * so that `deno compile` embeds it with the code; it follows `/api/supervision/stream` and restarts actors
 * through the control route with a token that only lives in the page.
 */
import { createHash } from "node:crypto";
import { Hono } from "hono";

const STYLE = `
:root { color-scheme: light dark; font: 15px/1.4 system-ui, sans-serif; }
body { margin: 1.5rem auto; max-width: 80rem; padding: 0 1rem; }
h1 { font-size: 1.4rem; margin: 0; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
header { display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; }
#connection { padding: 0.1rem 0.5rem; border-radius: 1rem; background: #8883; }
body[data-connection="live"] #connection { background: #2a83; }
body:not([data-connection="live"]) #actors { opacity: 0.55; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; }
label { font-weight: 600; margin-right: 0.5rem; }
input { font: inherit; padding: 0.2rem 0.4rem; width: 22rem; max-width: 100%; }
#notice { min-height: 1.4em; }
#notice.error { color: #c22; font-weight: 600; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0.3rem 0.6rem; border-bottom: 1px solid #8884; }
td ul { margin: 0; padding-left: 1rem; }
.status { font-weight: 600; }
.status-running { color: #2a8; }
.status-starting, .status-restarting, .breaker-half-open { color: #c80; }
.status-stopped, .status-failed, .breaker-open, .stale { color: #c22; }
button { font: inherit; cursor: pointer; }
`;

const SCRIPT = `
"use strict";
const STATUSES = ["starting", "running", "restarting", "stopped", "failed"];
const FIELDS = ["name", "status", "restarts", "reasons", "mailbox", "breakers", "heartbeat", "action"];
const REASONS_SHOWN = 3;
const RECONNECT_MS = 5000;
const tokenInput = document.getElementById("token");
const notice = document.getElementById("notice");
const connection = document.getElementById("connection");
const actorRows = document.querySelector("#actors tbody");
let rows = new Map();
let shape = "";

function element(tag, text) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  return node;
}

function setText(id, text, flagged) {
  const node = document.getElementById(id);
  node.textContent = text;
  node.classList.toggle("stale", Boolean(flagged));
}

function formatAge(seconds) {
  if (seconds === null) return "none yet";
  if (seconds < 120) return seconds + " s";
  if (seconds < 7200) return Math.floor(seconds / 60) + " min";
  if (seconds < 172800) return Math.floor(seconds / 3600) + " h";
  return Math.floor(seconds / 86400).toLocaleString() + " d";
}

function showNotice(text, isError) {
  notice.textContent = text;
  notice.classList.toggle("error", isError);
}

function setConnection(state, text) {
  document.body.dataset.connection = state;
  connection.textContent = text;
}

function renderFeed(feed) {
  if (feed === null) {
    for (const id of ["feed-source", "feed-updated", "feed-age", "feed-stale"]) {
      setText(id, "unavailable", true);
    }
    return;
  }
  setText("feed-source", feed.source);
  setText("feed-updated", feed.lastUpdateTimestamp ?? "none yet");
  setText("feed-age", formatAge(feed.dataAgeSeconds), feed.stale);
  setText("feed-stale", feed.stale ? "yes" : "no", feed.stale);
}

function flatten(node, depth, out) {
  out.push({ node, depth });
  for (const child of node.children ?? []) flatten(child, depth + 1, out);
  return out;
}

// Rows are built once per tree shape and then updated in place, so a button keeps its focus and a
// click is never lost to a re-render.
function buildRows(entries) {
  rows = new Map();
  actorRows.replaceChildren(...entries.map(({ node, depth }) => {
    const row = element("tr");
    row.dataset.name = node.name;
    const cells = {};
    for (const field of FIELDS) {
      cells[field] = element("td");
      cells[field].dataset.field = field;
      row.append(cells[field]);
    }
    cells.name.textContent = node.name;
    cells.name.style.paddingLeft = 0.6 + depth * 1.5 + "em";
    if (node.type === "actor") {
      const button = element("button", "Restart");
      button.type = "button";
      button.setAttribute("aria-label", "Restart " + node.name);
      button.addEventListener("click", () => restart(node.name, button));
      cells.action.append(button);
    }
    rows.set(node.name, cells);
    return row;
  }));
}

function showStatus(cell, status) {
  cell.textContent = status;
  cell.className = STATUSES.includes(status) ? "status status-" + status : "status";
}

function renderActor(cells, actor) {
  showStatus(cells.status, actor.status);
  cells.restarts.textContent = String(actor.restarts);
  cells.reasons.replaceChildren(...actor.lastRestartReasons.slice(0, REASONS_SHOWN).map((r) => {
    const item = element("li", new Date(r.at).toLocaleTimeString() + " " + r.reason);
    item.title = r.at + (r.manual ? " (manual, not counted toward intensity)" : "");
    return item;
  }));
  cells.mailbox.textContent = actor.mailbox.depth + " / " + actor.mailbox.capacity;
  cells.breakers.replaceChildren(...actor.breakers.map((b) => {
    const failures = b.failures > 0 ? " (" + b.failures + " failures)" : "";
    const item = element("div", b.name + ": " + b.state + failures);
    item.className = "breaker-" + b.state;
    return item;
  }));
  if (actor.breakers.length === 0) cells.breakers.textContent = "none";
  cells.heartbeat.textContent = actor.heartbeatAgeMs === null ? "-" : actor.heartbeatAgeMs / 1000 + " s";
}

function renderSupervisor(cells, node) {
  showStatus(cells.status, node.status);
  cells.restarts.textContent = String(node.restarts);
  const limit = node.intensity;
  cells.reasons.textContent = node.strategy + (limit
    ? ", " + limit.recent + " of at most " + limit.max + " restarts in " + limit.periodMs / 1000 + " s"
    : "");
}

function render(update) {
  renderFeed(update.feed);
  const entries = flatten(update.tree, 0, []);
  const nextShape = entries.map((e) => e.depth + ":" + e.node.type + ":" + e.node.name).join("/");
  if (nextShape !== shape) {
    buildRows(entries);
    shape = nextShape;
  }
  const actors = new Map(update.services.map((actor) => [actor.name, actor]));
  for (const { node } of entries) {
    const cells = rows.get(node.name);
    const actor = actors.get(node.name);
    if (node.type === "supervisor") renderSupervisor(cells, node);
    else if (actor) renderActor(cells, actor);
    else showStatus(cells.status, node.status);
  }
}

async function restart(name, button) {
  button.disabled = true;
  showNotice("Restarting " + name + "...", false);
  const token = tokenInput.value.trim();
  const headers = token ? { Authorization: "Bearer " + token } : {};
  try {
    const path = "/api/supervision/actors/" + encodeURIComponent(name) + "/restart";
    const response = await fetch(path, { method: "POST", headers });
    const body = await response.json().catch(() => null);
    if (response.ok) {
      showNotice(name + " restarted; it is " + body.status + ".", false);
    } else {
      const error = body?.error ?? { code: "error", message: response.statusText };
      const refusal = response.status + " " + error.code + ": " + error.message;
      showNotice("Restart of " + name + " refused: " + refusal, true);
    }
  } catch (error) {
    showNotice("Restart of " + name + " failed: " + error.message, true);
  } finally {
    button.disabled = false;
  }
}

// EventSource reconnects by itself after a dropped stream, but gives up on an error answer (a 503 when
// too many pages are open): then a new one is made after a pause.
function connect() {
  const source = new EventSource("/api/supervision/stream");
  source.addEventListener("open", () => setConnection("live", "live"));
  source.addEventListener("supervision", (event) => render(JSON.parse(event.data)));
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) {
      setConnection("closed", "disconnected; retrying in " + RECONNECT_MS / 1000 + " s");
      setTimeout(connect, RECONNECT_MS);
    } else {
      setConnection("reconnecting", "reconnecting...");
    }
  });
}

connect();
`;

/** The whole page; it holds no data, everything arrives over the stream. */
export const SUPERVISION_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Collector supervision</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body data-connection="connecting">
<header>
  <h1>Collector supervision</h1>
  <span id="connection" role="status">connecting...</span>
</header>
<noscript>
  <p>This page needs JavaScript; the same data is at /api/services/health and /api/status.</p>
</noscript>
<h2>Feed</h2>
<dl>
  <dt>source</dt><dd id="feed-source">-</dd>
  <dt>last update</dt><dd id="feed-updated">-</dd>
  <dt>data age</dt><dd id="feed-age">-</dd>
  <dt>stale</dt><dd id="feed-stale">-</dd>
</dl>
<h2>Control</h2>
<p>
  <label for="token">Control token</label>
  <input id="token" type="password" autocomplete="off" spellcheck="false" placeholder="CONTROL_TOKEN">
</p>
<p id="notice" aria-live="polite"></p>
<h2>Supervision tree</h2>
<table id="actors">
  <thead>
    <tr>
      <th>name</th><th>status</th><th>restarts</th><th>last restart reasons</th><th>mailbox</th>
      <th>breakers</th><th>heartbeat</th><th></th>
    </tr>
  </thead>
  <tbody></tbody>
</table>
<script>${SCRIPT}</script>
</body>
</html>
`;

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

// Only this page's own style and script may run, and it may talk only to its own origin; nobody may
// frame it (a framed restart button could be clicked by deception).
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(SCRIPT)}`,
  "connect-src 'self'",
  "img-src data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The page route, to be mounted at `/`. */
export function pageRoutes(): Hono {
  const app = new Hono();
  app.get("/", (c) =>
    c.html(SUPERVISION_PAGE, 200, {
      "Content-Security-Policy": CONTENT_SECURITY_POLICY,
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
      "Cache-Control": "no-cache",
    }));
  return app;
}
