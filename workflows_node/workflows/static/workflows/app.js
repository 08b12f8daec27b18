// The Workflows app: active packages with their decisions (for approvers), completed packages below, live via the hub.
import { api, followHub, h, perform, permissions, refresher, who } from "/static/distributed_core/live.js";

const may = permissions(); // {decide}: whether this user may approve, reject or return

const active = document.getElementById("active");
const completed = document.getElementById("completed");
const DECISIONS = [
  ["approve", "Approve", "good"],
  ["reject", "Reject", "danger"],
  ["return", "Return", "secondary"],
];

async function load() {
  const [activePackages, completedPackages] = await Promise.all([
    api("GET", "/api/package/getActive"),
    api("GET", "/api/package/getCompleted"),
  ]);
  fill(active, activePackages, "No active packages.");
  fill(completed, completedPackages, "No completed packages yet.");
}

const refresh = refresher(load);

function fill(container, packages, empty) {
  const sorted = [...packages].sort((a, b) => b.id - a.id);
  container.replaceChildren(...(sorted.length ? sorted.map(card) : [h("p", { class: "empty" }, empty)]));
  container.setAttribute("aria-busy", "false");
}

function card(pkg) {
  const element = h(
    "article",
    { class: "card package", dataset: { packageId: pkg.id, state: pkg.state }, "aria-label": `Package ${pkg.title || pkg.id}` },
    h("h3", { class: "title" }, pkg.title || `Package #${pkg.id}`),
    pkg.value ? h("p", { class: "value" }, pkg.value) : null,
    h("p", { class: "meta" }, `#${pkg.id} · `, h("span", { class: "badge package-state", dataset: { state: pkg.state } }, pkg.state)),
    h("p", { class: "meta entity" }, "Entity: ", h("strong", {}, `${pkg.entityType} ${pkg.entityId}`), pkg.result ? ` · on approval: ${pkg.result}` : ""),
    pkg.submittedBy ? h("p", { class: "who submitted-by" }, `Submitted ${who(pkg.submittedBy)}`) : null,
    pkg.decidedAt ? h("p", { class: "who decided-by" }, `${pkg.state} ${who(pkg.decidedBy, pkg.decidedAt)}`) : null,
  );
  if (pkg.state === "Pending" && may.decide) {
    element.append(
      h(
        "div",
        { class: "actions" },
        DECISIONS.map(([action, label, style]) =>
          h(
            "button",
            {
              type: "button",
              class: style,
              onclick: async (event) => {
                const buttons = event.currentTarget.parentElement.querySelectorAll("button");
                for (const button of buttons) button.disabled = true;
                const done = await perform(() => api("POST", `/api/package/${action}`, { id: pkg.id }), refresh);
                if (!done) for (const button of buttons) button.disabled = false;
              },
            },
            label,
          ),
        ),
      ),
    );
  } else if (pkg.state === "Returned") {
    element.append(h("p", { class: "meta" }, "Returned: waiting for the entity's node to resubmit it."));
  }
  return element;
}

followHub({ url: "/events/package", indicator: document.getElementById("hub-package"), onChange: () => refresh() });
refresh();
