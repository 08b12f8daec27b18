// Shared helpers of the nodes' browser apps: JSON calls, the snackbar, live hub connections.
// Plain ES module, no build step. The SignalR client is the global `signalR` of signalr.min.js.

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

// The page carries its node's CSRF token (each node has its own cookie; session writes need it).
function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || "";
}

/** What the signed-in user may do in this app: {action: true|false}, rendered by the server. */
export function permissions() {
  const element = document.getElementById("app-permissions");
  return element ? JSON.parse(element.textContent) : {};
}

/** "by alice · 3 Mar 2026, 14:05" from a username and an ISO date, either may be missing. */
export function who(name, isoDate) {
  const parts = [];
  if (name) parts.push(`by ${name}`);
  if (isoDate) parts.push(new Date(isoDate).toLocaleString());
  return parts.join(" · ");
}

/** Call a JSON route; resolves with the parsed body, rejects with ApiError(message, status). */
export async function api(method, url, body) {
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  if (method !== "GET") headers["X-CSRFToken"] = csrfToken();
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError("The node is not reachable", 0);
  }
  const text = await response.text();
  let payload = null;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = text;
    }
  }
  if (!response.ok) {
    // error answers are a JSON string (the message); an unexpected error is {type, message, path}
    const message = typeof payload === "string" ? payload : payload?.message || `HTTP ${response.status}`;
    throw new ApiError(message, response.status);
  }
  return payload;
}

let snackTimer = null;

/** Show a message in the snackbar (role="status", aria-live): kind is "ok" or "error". */
export function notify(message, kind = "ok") {
  const bar = document.getElementById("snackbar");
  if (!bar) return;
  bar.textContent = message;
  bar.dataset.kind = kind;
  bar.classList.add("show");
  clearTimeout(snackTimer);
  snackTimer = setTimeout(() => bar.classList.remove("show"), 8000);
}

/** Run an action; show its success message (or the server's error) and refresh only on success. */
export async function perform(action, onSuccess) {
  try {
    const answer = await action();
    notify((answer && answer.message) || "Done", "ok");
    if (onSuccess) onSuccess(answer);
    return answer;
  } catch (error) {
    notify(error.message || String(error), "error");
    return null;
  }
}

/** Coalesce refresh requests: at most one fetch runs, and one more after it if asked meanwhile. */
export function refresher(load) {
  let running = null;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await load();
        } catch (error) {
          notify(error.message || String(error), "error");
        }
      } while (again);
    })();
    try {
      await running;
    } finally {
      running = null;
    }
  };
  return run;
}

function setIndicator(element, state, text) {
  if (!element) return;
  element.dataset.state = state;
  element.querySelector(".state").textContent = text;
}

const TARGETS = ["OnAdd", "OnUpdate", "OnRemove", "OnStateChanged"];
const RECONNECT_DELAYS = [0, 500, 1000, 2000, 5000, 5000, 5000];

/**
 * Follow one hub: every event calls `onChange`; on reconnect Replay(lastSeq) then `onChange` again.
 * `indicator` shows "live" / "reconnecting…" / "offline". When automatic reconnection gives up,
 * start() is retried every 2 s.
 */
export function followHub({ url, indicator, onChange }) {
  const signalR = window.signalR;
  if (!signalR) {
    setIndicator(indicator, "unavailable", "unavailable");
    return null;
  }
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(url)
    .withAutomaticReconnect(RECONNECT_DELAYS)
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  let lastSeq = 0;
  let replaying = false;
  let synced = false;
  for (const target of TARGETS) {
    connection.on(target, (event) => {
      if (event && typeof event.seq === "number" && event.seq > lastSeq) lastSeq = event.seq;
      if (!replaying) onChange(target, event);
    });
  }
  connection.on("Ping", () => {});
  // After Sync() the hub sends Sync {seq} with every keep-alive: behind it means an event was
  // missed (its publish lost), so replay. Sync's own answer is the baseline of a fresh page.
  connection.on("Sync", (event) => {
    const seq = event && typeof event.seq === "number" ? event.seq : null;
    if (seq !== null && synced && !replaying && seq > lastSeq) catchUp();
  });

  async function askForSync(baseline) {
    try {
      const seq = await connection.invoke("Sync");
      if (baseline && typeof seq === "number" && seq > lastSeq) lastSeq = seq;
      synced = true;
    } catch (error) {
      console.warn("Sync failed", error);
    }
  }

  async function catchUp() {
    replaying = true;
    try {
      const last = await connection.invoke("Replay", lastSeq);
      if (typeof last === "number" && last > lastSeq) lastSeq = last;
    } catch (error) {
      console.warn("Replay failed", error);
    } finally {
      replaying = false;
    }
    onChange("Replay", null);
  }

  async function start(first) {
    try {
      await connection.start();
      setIndicator(indicator, "live", "live");
      if (first) onChange("Connected", null);
      else await catchUp();
      await askForSync(first);
    } catch (error) {
      // 401/403: this node does not know us (sign in there, with the same account) or may not let us follow
      if (/Status code '40[13]'/.test(String(error))) {
        setIndicator(indicator, "refused", "sign in to follow");
        setTimeout(() => start(false), 10000);
      } else {
        setIndicator(indicator, "offline", "offline");
        setTimeout(() => start(false), 2000);
      }
    }
  }

  connection.onreconnecting(() => setIndicator(indicator, "reconnecting", "reconnecting…"));
  connection.onreconnected(async () => {
    setIndicator(indicator, "live", "live");
    await catchUp();
    await askForSync(false); // a new connection: the hub has to be asked again
  });
  connection.onclose(() => {
    setIndicator(indicator, "offline", "offline");
    setTimeout(() => start(false), 2000);
  });
  setIndicator(indicator, "connecting", "connecting…");
  start(true);
  return connection;
}

/** Keep what the user typed (and the focus) across re-renders of a list. */
export class Drafts {
  constructor(root) {
    this.values = new Map();
    root.addEventListener("input", (event) => {
      const key = event.target.dataset?.key;
      if (key) this.values.set(key, event.target.value);
    });
  }
  value(key, fallback) {
    return this.values.has(key) ? this.values.get(key) : fallback;
  }
  forget(prefix) {
    for (const key of [...this.values.keys()]) if (key.startsWith(prefix)) this.values.delete(key);
  }
  rerender(render) {
    const active = document.activeElement;
    const key = active?.dataset?.key;
    const caret = key && "selectionStart" in active ? active.selectionStart : null;
    render();
    if (!key) return;
    const again = document.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (again) {
      again.focus();
      if (caret !== null && "setSelectionRange" in again) {
        try {
          again.setSelectionRange(caret, caret);
        } catch {
          /* not a text input */
        }
      }
    }
  }
}

/** Create an element: h("button", {type: "button", onclick}, "Label"). Text is set as text, never HTML. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name === "value") element.value = value;
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}
