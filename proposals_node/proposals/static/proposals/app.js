// The Proposals app: proposals as cards with their status and active package, live via both hubs.
import { api, Drafts, followHub, h, notify, perform, permissions, refresher, who } from "/static/distributed_core/live.js";

const list = document.getElementById("proposals");
const createForm = document.getElementById("create-form");
const workflowsHub = document.getElementById("app-script").dataset.workflowsHub;
const drafts = new Drafts(document.body);
const may = permissions(); // {add, change, remove, submit}: what this user may do here
let editing = null; // id of the proposal whose edit form is open
let view = []; // [{proposal, status, package, history, packageError}]
const openTimelines = new Set(); // ids of the proposals whose History panel is open
const timelines = new Map(); // id -> the proposal's timeline (GET /api/proposal/timeline/<id>), or {error}

const ACTIVE = new Set(["Pending", "Returned"]);

async function load() {
  // Three calls for the whole page, whatever the number of cards: the proposals, their statuses
  // and every proposal package (active and history).
  let packagesError = null;
  const [proposals, statuses, packages] = await Promise.all([
    api("GET", "/api/proposal/get"),
    api("GET", "/api/status/get"),
    api("GET", "/api/workflows/getPackagesByType/Proposal").catch((error) => {
      packagesError = error.message;
      return [];
    }),
  ]);
  const statusById = new Map(statuses.map((status) => [status.id, status]));
  const rows = proposals.map((proposal) => {
    const own = packages.filter((pkg) => pkg.entityId === proposal.id);
    return {
      proposal,
      status: statusById.get(proposal.statusId) || null,
      package: own.find((pkg) => ACTIVE.has(pkg.state)) || null,
      history: own.filter((pkg) => !ACTIVE.has(pkg.state)),
      packageError: proposal.packageId && packagesError ? packagesError : null,
    };
  });
  view = rows.sort((a, b) => a.proposal.id - b.proposal.id);
  // an open History panel follows the live changes too: its timeline is read again with the rest
  await Promise.all(rows.filter((row) => openTimelines.has(row.proposal.id)).map((row) => loadTimeline(row.proposal.id)));
  render();
}

async function loadTimeline(id) {
  try {
    timelines.set(id, await api("GET", `/api/proposal/timeline/${id}`));
  } catch (error) {
    timelines.set(id, { error: error.message });
  }
}

function timelineEntry(entry) {
  const where = `${entry.node}/${entry.hub} #${entry.seq}`;
  return h(
    "li",
    { class: `timeline-entry ${entry.kind}`, dataset: { kind: entry.kind, traceId: entry.traceId || "" } },
    entry.kind === "cause" ? h("span", { class: "meta" }, "caused by ") : null,
    h("span", { class: "message" }, entry.message || entry.target),
    h("span", { class: "who" }, ` ${[where, who(entry.actor, entry.at)].filter(Boolean).join(" · ")}`),
    entry.traceId ? h("code", { class: "trace", title: "trace id" }, ` ${entry.traceId.slice(0, 8)}`) : null,
  );
}

function timelineSection(row) {
  const id = row.proposal.id;
  const entries = timelines.get(id);
  let body = h("p", { class: "meta" }, "Loading…");
  if (entries?.error) body = h("p", { class: "meta" }, entries.error);
  else if (entries) body = entries.length ? h("ol", { class: "timeline" }, ...entries.map(timelineEntry)) : h("p", { class: "meta" }, "Nothing yet");
  return h(
    "details",
    {
      class: "history-panel",
      open: openTimelines.has(id),
      ontoggle: async (event) => {
        if (!event.currentTarget.open) {
          openTimelines.delete(id);
          return;
        }
        if (openTimelines.has(id)) return; // re-rendered open: nothing to ask
        openTimelines.add(id);
        await loadTimeline(id);
        render();
      },
    },
    h("summary", {}, "History"),
    body,
  );
}

const refresh = refresher(load);

function field(label, key, fallback, tag = "input") {
  return h("label", {}, label, h(tag, { name: key.split("-")[0], dataset: { key }, value: drafts.value(key, fallback), autocomplete: "off" }));
}

function formValues(form) {
  return Object.fromEntries(new FormData(form).entries());
}

function busy(form, on) {
  for (const button of form.querySelectorAll("button")) button.disabled = on;
}

async function submitForm(event, action, onSuccess) {
  event.preventDefault();
  const form = event.currentTarget;
  busy(form, true);
  try {
    await perform(() => action(formValues(form)), onSuccess);
  } finally {
    busy(form, false);
  }
}

function packageSection(row) {
  const { proposal, package: pkg } = row;
  const id = proposal.id;
  if (row.packageError) {
    return h("div", { class: "section package-section" }, h("p", { class: "meta" }, `Package ${proposal.packageId}: ${row.packageError}`));
  }
  if (pkg) {
    const section = h(
      "div",
      { class: "section package-section", dataset: { packageId: pkg.id } },
      h("p", {}, "Package: ", h("strong", {}, pkg.title || `#${pkg.id}`), " ", h("span", { class: "badge package-state", dataset: { state: pkg.state } }, pkg.state)),
      pkg.value ? h("p", { class: "meta" }, pkg.value) : null,
      pkg.submittedBy ? h("p", { class: "who submitted-by" }, `Submitted ${who(pkg.submittedBy)}`) : null,
      pkg.decidedAt ? h("p", { class: "who decided-by" }, `${pkg.state} ${who(pkg.decidedBy, pkg.decidedAt)}`) : null,
    );
    if (!may.submit) return section;
    if (pkg.state === "Returned") {
      section.append(
        h(
          "form",
          {
            class: "resubmit-form",
            onsubmit: (event) =>
              submitForm(
                event,
                (values) => api("POST", "/api/workflows/submitPackage", { ...values, id: pkg.id, entityId: id, entityType: "Proposal" }),
                () => {
                  drafts.forget(`title-resubmit-${id}`);
                  drafts.forget(`value-resubmit-${id}`);
                  refresh();
                },
              ),
          },
          field("Package title", `title-resubmit-${id}`, pkg.title || ""),
          field("Package value", `value-resubmit-${id}`, pkg.value || ""),
          h("div", { class: "actions" }, h("button", { type: "submit" }, "Resubmit")),
        ),
      );
    }
    section.append(
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            onclick: async (event) => {
              const button = event.currentTarget;
              button.disabled = true;
              const done = await perform(() => api("POST", "/api/workflows/withdrawPackage", { id: pkg.id }), refresh);
              if (!done) button.disabled = false;
            },
          },
          "Withdraw package",
        ),
      ),
    );
    return section;
  }
  if (proposal.packageId) {
    return h("div", { class: "section package-section" }, h("p", { class: "meta" }, `Package ${proposal.packageId} is no longer active`));
  }
  if (!may.submit) return null;
  return h(
    "div",
    { class: "section package-section" },
    h(
      "form",
      {
        class: "submit-form",
        onsubmit: (event) =>
          submitForm(
            event,
            (values) => api("POST", "/api/workflows/submitPackage", { ...values, entityId: id, entityType: "Proposal" }),
            () => {
              drafts.forget(`title-submit-${id}`);
              drafts.forget(`value-submit-${id}`);
              refresh();
            },
          ),
      },
      h("p", { class: "meta" }, "Submit a package for approval"),
      field("Package title", `title-submit-${id}`, ""),
      field("Package value", `value-submit-${id}`, ""),
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Submit package")),
    ),
  );
}

function historySection(row) {
  if (!row.history.length) return null;
  return h(
    "div",
    { class: "history" },
    h("p", { class: "meta" }, "Package history"),
    h(
      "ul",
      {},
      ...row.history.map((pkg) =>
        h(
          "li",
          { dataset: { packageId: pkg.id } },
          `${pkg.title || `#${pkg.id}`} `,
          h("span", { class: "badge history-state", dataset: { state: pkg.state } }, pkg.state),
          pkg.decidedAt ? h("span", { class: "who decided-by" }, ` ${who(pkg.decidedBy, pkg.decidedAt)}`) : null,
        ),
      ),
    ),
  );
}

function card(row) {
  const { proposal, status } = row;
  const id = proposal.id;
  const element = h("article", { class: "card proposal", dataset: { proposalId: id }, "aria-label": `Proposal ${proposal.title || id}` });
  if (editing === id) {
    element.append(
      h(
        "form",
        {
          class: "edit-form",
          onsubmit: (event) =>
            submitForm(
              event,
              (values) => api("POST", "/api/proposal/save", { id, ...values }),
              () => {
                editing = null;
                drafts.forget(`title-edit-${id}`);
                drafts.forget(`value-edit-${id}`);
                refresh();
              },
            ),
        },
        field("Title", `title-edit-${id}`, proposal.title || ""),
        field("Value", `value-edit-${id}`, proposal.value || "", "textarea"),
        h(
          "div",
          { class: "actions" },
          h("button", { type: "submit" }, "Save"),
          h(
            "button",
            {
              type: "button",
              class: "secondary",
              onclick: () => {
                editing = null;
                drafts.forget(`title-edit-${id}`);
                drafts.forget(`value-edit-${id}`);
                drafts.rerender(render);
                list.querySelector(`[data-proposal-id="${id}"] .edit-button`)?.focus();
              },
            },
            "Cancel",
          ),
        ),
      ),
    );
  } else {
    element.append(
      h("h3", { class: "title" }, proposal.title || "(untitled)"),
      h("p", { class: "value" }, proposal.value),
      h("p", { class: "meta" }, `#${id} · status `, h("span", { class: "badge status-state", dataset: { state: status?.state || "" } }, status?.state || "unknown")),
    );
  }
  element.append(
    packageSection(row) || "",
    historySection(row) || "",
    timelineSection(row),
    h(
      "div",
      { class: "actions" },
      editing === id || !may.change
        ? null
        : h(
            "button",
            {
              type: "button",
              class: "secondary edit-button",
              onclick: () => {
                editing = id;
                drafts.rerender(render);
                list.querySelector(`[data-key="title-edit-${id}"]`)?.focus();
              },
            },
            "Edit",
          ),
      !may.remove
        ? null
        : h(
            "button",
            {
              type: "button",
              class: "danger",
              onclick: async (event) => {
                const button = event.currentTarget;
                if (!window.confirm(`Remove proposal "${proposal.title || id}"?`)) return;
                button.disabled = true;
                const done = await perform(() => api("DELETE", "/api/proposal/remove", { id }), refresh);
                if (!done) button.disabled = false;
              },
            },
            "Remove",
          ),
    ),
  );
  return element;
}

function render() {
  list.replaceChildren(...(view.length ? view.map(card) : [h("p", { class: "empty" }, "No proposals yet.")]));
  list.setAttribute("aria-busy", "false");
}

createForm?.addEventListener("submit", (event) =>
  submitForm(
    event,
    (values) => api("POST", "/api/proposal/save", values),
    () => {
      createForm.reset();
      drafts.forget("create-");
      refresh();
    },
  ),
);

const onChange = () => refresh();
followHub({ url: "/events/proposal", indicator: document.getElementById("hub-proposal"), onChange });
followHub({ url: workflowsHub, indicator: document.getElementById("hub-package"), onChange });
refresh();
window.addEventListener("error", (event) => notify(event.message, "error"));
