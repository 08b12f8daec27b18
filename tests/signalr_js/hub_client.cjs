// The official SignalR JavaScript client (@microsoft/signalr) against one hub of a real node,
// driven by tests/test_hub_protocol_js.py.
//
//   node hub_client.cjs <hub url> <scenario>
//
// Prints one JSON object a line on stdout ({"event": "connected", ...}, {"event": "OnAdd", "arg": ...})
// and exits on its own: 0 once the scenario is done, 1 on an error, a close it did not ask for, or
// when DEADLINE_MS has passed. Warnings and errors of the client go to stderr.
"use strict";

const signalR = require("@microsoft/signalr");

const TARGETS = ["OnAdd", "OnUpdate", "OnRemove", "OnStateChanged", "Sync", "Ping"];
// What the original's Angular clients handle: they log a warning for any other target they receive
const ORIGINAL_TARGETS = ["OnAdd", "OnUpdate", "OnRemove", "OnStateChanged", "Ping"];
const DEADLINE_MS = 20000;
const SERVER_TIMEOUT_MS = 3000; // keepalive: the client closes when the server says nothing for this long
const IDLE_MS = 6000; // keepalive: how long the client stays silent

function emit(event, fields = {}) {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
}

// Counts negotiate requests, so a test can tell a negotiated connection from a direct one.
class CountingHttpClient extends signalR.DefaultHttpClient {
  constructor() {
    super(signalR.NullLogger.instance);
    this.negotiations = 0;
  }

  send(request) {
    if (/\/negotiate(\?|$)/.test(request.url)) this.negotiations += 1;
    return super.send(request);
  }
}

class Client {
  constructor(url, { skipNegotiation = false, serverTimeout = null, targets = TARGETS } = {}) {
    this.httpClient = new CountingHttpClient();
    const options = { httpClient: this.httpClient };
    if (skipNegotiation) {
      options.skipNegotiation = true;
      options.transport = signalR.HttpTransportType.WebSockets;
    }
    let builder = new signalR.HubConnectionBuilder().withUrl(url, options).configureLogging(signalR.LogLevel.Warning);
    if (serverTimeout) builder = builder.withServerTimeout(serverTimeout);
    this.connection = builder.build();
    this.waiters = new Map(targets.map((target) => [target, []]));
    for (const target of targets) {
      this.connection.on(target, (arg) => {
        emit(target, { arg });
        for (const resolve of this.waiters.get(target).splice(0)) resolve(arg);
      });
    }
    this.stopping = false;
    this.closed = new Promise((_, reject) => {
      this.connection.onclose((error) => {
        emit("closed", { error: error ? error.message : null });
        if (!this.stopping) reject(new Error(`connection closed: ${error ? error.message : "no error"}`));
      });
    });
    this.closed.catch(() => {}); // observed through Promise.race in main
  }

  next(target) {
    return new Promise((resolve) => this.waiters.get(target).push(resolve));
  }

  async invoke(method, ...args) {
    const result = await this.connection.invoke(method, ...args);
    emit("completion", { method, result: result === undefined ? null : result });
    return result;
  }
}

function idle(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const scenarios = {
  // Connect (negotiating first), then wait for the OnAdd the test causes.
  negotiate: {
    options: {},
    run: (client) => client.next("OnAdd"),
  },
  // Connect straight to the WebSocket, no negotiate request, then wait for an OnAdd.
  "skip-negotiation": {
    options: { skipNegotiation: true },
    run: (client) => client.next("OnAdd"),
  },
  // Invoke Ping and receive the Ping broadcast it causes.
  ping: {
    options: {},
    run: async (client) => {
      const pinged = client.next("Ping");
      await client.invoke("Ping");
      await pinged;
    },
  },
  // Ask for every logged event; they arrive before the completion, whose result is the last seq.
  replay: {
    options: {},
    run: (client) => client.invoke("Replay", 0),
  },
  // Ask for Sync: the completion carries the hub's last seq, then Sync comes with every keep-alive.
  sync: {
    options: {},
    run: async (client) => {
      await client.invoke("Sync");
      await client.next("Sync");
      await client.next("Sync");
    },
  },
  // Handle only the original clients' targets and stay connected for several keep-alive intervals:
  // the client logs (to stderr) a warning for any other target the hub sends.
  "original-targets": {
    options: { targets: ORIGINAL_TARGETS, serverTimeout: SERVER_TIMEOUT_MS },
    run: async () => {
      emit("idle", { idle_ms: IDLE_MS });
      await idle(IDLE_MS);
    },
  },
  // Stay silent for longer than the server timeout: only the server's pings keep the connection.
  keepalive: {
    options: { serverTimeout: SERVER_TIMEOUT_MS },
    run: async (client) => {
      emit("idle", { idle_ms: IDLE_MS, server_timeout_ms: SERVER_TIMEOUT_MS });
      await idle(IDLE_MS);
      emit("still-connected", { state: client.connection.state });
      const pinged = client.next("Ping");
      await client.invoke("Ping");
      await pinged;
    },
  },
};

async function main() {
  const [url, name] = process.argv.slice(2);
  const scenario = scenarios[name];
  if (!url || !scenario) {
    process.stderr.write(`usage: node hub_client.cjs <hub url> <${Object.keys(scenarios).join("|")}>\n`);
    return 2;
  }
  const deadline = setTimeout(() => {
    emit("timeout", { after_ms: DEADLINE_MS });
    process.exit(1);
  }, DEADLINE_MS);
  const client = new Client(url, scenario.options);
  try {
    await client.connection.start();
    emit("connected", {
      connectionId: client.connection.connectionId || null,
      negotiations: client.httpClient.negotiations,
    });
    await Promise.race([scenario.run(client), client.closed]);
    client.stopping = true;
    await client.connection.stop();
    emit("done");
    return 0;
  } catch (error) {
    emit("error", { message: error && error.message ? error.message : String(error) });
    client.stopping = true;
    await client.connection.stop().catch(() => {});
    return 1;
  } finally {
    clearTimeout(deadline);
  }
}

main().then((code) => process.exit(code));
