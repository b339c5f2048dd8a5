// The console's shell: sign-in with an API key, navigation by URL hash, one view at a time.
// Leaving a view aborts its streams and polling (the AbortController passed to it).

import { ApiError, get, session } from "./api.js";
import * as views from "./views.js";

const { el, errorBox } = views;
const main = document.getElementById("main");
const nav = document.getElementById("nav");
let current = new AbortController();

function signIn(message) {
  nav.hidden = true;
  const input = el("input", { id: "key", name: "key", type: "password", autocomplete: "off", required: true, "aria-label": "API key" });
  const status = el("div", { "aria-live": "polite" }, message ? errorBox(new ApiError(401, message)) : null);
  const button = el("button", { type: "submit" }, "Sign in");
  const form = el("form", { id: "sign-in" }, el("label", {}, el("span", {}, "API key"), input), button, status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    session.key = input.value.trim();
    button.disabled = true;
    try {
      await get("/v1/usage");   // any role may read its own project's usage
      if (!location.hash || location.hash === "#/sign-in") location.hash = "#/datasets";
      else route();
    } catch (error) {
      session.key = null;
      status.replaceChildren(errorBox(error));
    } finally {
      button.disabled = false;
    }
  });
  main.replaceChildren(el("h1", {}, "Sign in"), el("p", {}, "Use an API key of your project (it stays in this tab only)."), form);
  input.focus();
}

function route() {
  current.abort();
  current = new AbortController();
  if (!session.key) { signIn(); return; }
  nav.hidden = false;
  const [path] = location.hash.slice(1).split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  for (const a of nav.querySelectorAll("a")) a.toggleAttribute("aria-current", a.getAttribute("href") === `#/${parts[0] || "datasets"}`);
  const signal = current.signal;
  switch (parts[0]) {
    case "jobs": parts[1] ? views.jobView(main, parts[1], signal) : views.jobsView(main); break;
    case "models":
      if (parts[3] === "card") views.cardView(main, parts[1], parts[2]);
      else parts[1] ? views.modelView(main, parts[1]) : views.modelsView(main);
      break;
    case "endpoints": views.endpointsView(main, signal); break;
    case "playground": views.playgroundView(main, signal); break;
    case "evaluations": parts[1] ? views.evaluationView(main, parts[1]) : views.evaluationsView(main); break;
    case "keys": views.keysView(main); break;
    case "datasets": parts[1] ? views.datasetView(main, parts[1]) : views.datasetsView(main); break;
    default: views.datasetsView(main);
  }
  main.focus({ preventScroll: true });
}

document.getElementById("sign-out").addEventListener("click", () => { session.key = null; location.hash = "#/sign-in"; route(); });
window.addEventListener("hashchange", route);
// A key revoked or expired while the console is open: back to sign-in, saying why.
window.addEventListener("maas-unauthorized", (event) => { session.key = null; current.abort(); signIn(event.detail); });
route();
