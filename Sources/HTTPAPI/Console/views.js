// The console's views. Everything from the API reaches the page as text (textContent, never
// innerHTML), so a cell holding markup shows as that markup's characters.

import { api, download, get, getAll, stream, upload } from "./api.js";
import { bars, lineChart } from "./chart.js";

// --- small DOM helpers ------------------------------------------------------------------------

export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

const text = (value) => (value === undefined || value === null ? "—" : typeof value === "number" ? format(value) : String(value));
function format(n) { return Number.isInteger(n) ? String(n) : Math.abs(n) >= 1000 || Math.abs(n) < 0.001 ? n.toExponential(3) : n.toFixed(4); }

export function errorBox(error) {
  return el("p", { class: "error", role: "alert" }, error.field ? `${error.message} (field: ${error.field})` : error.message);
}

// A region that shows "Loading…", then what `render` returns, or the API's error.
async function load(region, render) {
  region.replaceChildren(el("p", { class: "loading", "aria-busy": "true" }, "Loading…"));
  try {
    const content = await render();
    region.replaceChildren(...[content].flat().filter((node) => node !== null && node !== undefined && node !== false));
  } catch (error) {
    region.replaceChildren(errorBox(error));
  }
}

// A form whose submit runs `action`; errors appear under it; the button is disabled meanwhile.
function form(fields, label, action, { id } = {}) {
  const status = el("div", { class: "form-status", "aria-live": "polite" });
  const button = el("button", { type: "submit" }, label);
  const element = el("form", { id }, ...fields, button, status);
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    status.replaceChildren();
    try {
      const result = await action(new FormData(element), status);
      if (result instanceof Node) status.replaceChildren(result);
    } catch (error) {
      status.replaceChildren(errorBox(error));
    } finally {
      button.disabled = false;
    }
  });
  return element;
}

const field = (label, input) => el("label", {}, el("span", {}, label), input);

// A table with pages of `size` rows. rows: arrays of cells (strings, numbers or nodes).
export function table(headers, rows, { size = 20, caption } = {}) {
  const wrapper = el("div", { class: "table-wrap" });
  let page = 0;
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const draw = () => {
    const body = rows.slice(page * size, (page + 1) * size).map((row) =>
      el("tr", {}, row.map((cell) => el("td", {}, cell instanceof Node ? cell : text(cell)))));
    const pager = pages > 1 ? el("div", { class: "pager" },
      el("button", { type: "button", disabled: page === 0, onclick: () => { page--; draw(); } }, "Previous"),
      el("span", {}, `page ${page + 1} of ${pages} (${rows.length} rows)`),
      el("button", { type: "button", disabled: page >= pages - 1, onclick: () => { page++; draw(); } }, "Next")) : null;
    wrapper.replaceChildren(el("table", {}, caption ? el("caption", {}, caption) : null,
      el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows.length ? body : el("tr", {}, el("td", { colspan: headers.length }, "Nothing yet.")))), ...(pager ? [pager] : []));
  };
  draw();
  return wrapper;
}

const link = (href, label) => el("a", { href }, label);
const enc = encodeURIComponent;

// --- datasets ---------------------------------------------------------------------------------

export function datasetsView(main) {
  const list = el("div");
  const progress = el("progress", { max: 1, value: 0, hidden: true, "aria-label": "upload progress" });
  const upload_ = form([
    field("Name", el("input", { name: "name", required: true, pattern: "[A-Za-z0-9._\\-]+", placeholder: "iris" })),
    field("File", el("input", { name: "file", type: "file", required: true })),
    field("Format", el("select", { name: "format" }, ["csv", "tsv", "jsonl", "parquet", "idx", "npy"].map((f) => el("option", { value: f }, f)))),
    progress,
  ], "Upload", async (data) => {
    const file = data.get("file");
    progress.hidden = false;
    try {
      const stored = await upload(`/v1/datasets/${enc(data.get("name"))}?format=${enc(data.get("format"))}`, file, (share) => { progress.value = share; });
      progress.value = 1;
      refresh();
      return el("p", { class: "ok" }, `Stored ${stored.name}: ${stored.rows} rows, version ${stored.version}.`);
    } finally {
      setTimeout(() => { progress.hidden = true; }, 500);
    }
  }, { id: "upload-form" });
  const refresh = () => load(list, async () => {
    const { datasets } = await getAll("/v1/datasets", "datasets");
    return table(["Name", "Format", "Rows", "Version", "Created"],
      datasets.map((d) => [link(`#/datasets/${enc(d.name)}`, d.name), d.format, d.rows, d.version, d.created_at]));
  });
  refresh();
  main.replaceChildren(el("h1", {}, "Datasets"), el("section", {}, el("h2", {}, "Upload"), upload_), el("section", {}, el("h2", {}, "All datasets"), list));
}

export function datasetView(main, name) {
  const body = el("div");
  main.replaceChildren(el("h1", {}, `Dataset ${name}`), body);
  load(body, async () => {
    const d = await get(`/v1/datasets/${enc(name)}`);
    const columns = d.schema?.columns || [];
    const remove = el("button", { type: "button", class: "danger", onclick: async () => {
      if (!confirm(`Erase dataset ${name}? Its data key is destroyed.`)) return;
      try { await api("DELETE", `/v1/datasets/${enc(name)}`); location.hash = "#/datasets"; } catch (e) { body.append(errorBox(e)); }
    } }, "Delete dataset");
    return [
      el("p", {}, `${d.rows} rows · ${d.format} · version ${d.version} · sha256 ${d.sha256.slice(0, 16)}…`),
      el("h2", {}, "Schema and statistics"),
      table(["Column", "Kind", "Count", "Missing", "Mean", "Std", "Min", "Max", "Unique", "Policy"],
        columns.map((c) => [c.name, c.kind, c.count, c.missing, c.mean, c.std, c.min, c.max, c.unique, c.policy])),
      el("h2", {}, "Preview"),
      table(columns.map((c) => c.name), d.preview || [], { caption: d.preview_masked ? "values masked for this key" : undefined }),
      el("h2", {}, "Personal data"),
      (d.personal_data || []).length
        ? table(["Column", "Scanned", "Found"], d.personal_data.map((p) => [p.column, p.scanned, Object.entries(p.found).map(([k, v]) => `${k}: ${v}`).join(", ")]))
        : el("p", {}, "None found."),
      Object.keys(d.policies || {}).length ? el("p", {}, `Policies: ${Object.entries(d.policies).map(([k, v]) => `${k} → ${v}`).join(", ")}`) : null,
      remove,
    ];
  });
}

// --- training jobs ----------------------------------------------------------------------------

const SPEC_EXAMPLE = JSON.stringify({
  input: { shape: [4] }, layers: [{ type: "dense", units: 16, activation: "relu" }, { type: "dense", units: 3, activation: "softmax" }],
  loss: "sparse_categorical_crossentropy", optimizer: { type: "adam", lr: 0.05 }, epochs: 30, batch_size: 16,
}, null, 1);

export function jobsView(main) {
  const list = el("div");
  const submit = form([
    field("Model name", el("input", { name: "name", required: true, placeholder: "iris" })),
    field("Dataset", el("input", { name: "dataset", required: true, placeholder: "iris" })),
    field("Target column (tables)", el("input", { name: "target", placeholder: "target" })),
    field("Label dataset (images: IDX or NPY)", el("input", { name: "labels" })),
    field("Spec (network or learner, JSON)", el("textarea", { name: "spec", rows: 8, required: true }, SPEC_EXAMPLE)),
  ], "Submit job", async (data) => {
    let spec;
    try { spec = JSON.parse(data.get("spec")); } catch (e) { throw Object.assign(new Error(`the spec is not JSON: ${e.message}`), { field: "spec" }); }
    const request = { name: data.get("name"), dataset: data.get("dataset"), spec };
    if (data.get("target")) request.target = data.get("target");
    if (data.get("labels")) request.labels = data.get("labels");
    const job = await api("POST", "/v1/training-jobs", request);
    location.hash = `#/jobs/${enc(job.id)}`;
  }, { id: "job-form" });
  load(list, async () => {
    const { jobs } = await getAll("/v1/training-jobs", "jobs");
    return table(["Job", "Model", "State", "Version", "Created"], jobs.map((j) => [link(`#/jobs/${enc(j.id)}`, j.id), j.model, j.state, j.version, j.created_at]));
  });
  main.replaceChildren(el("h1", {}, "Training jobs"), el("section", {}, el("h2", {}, "Submit"), submit), el("section", {}, el("h2", {}, "Jobs"), list));
}

export function jobView(main, id, signal) {
  const state = el("p", { id: "job-state" }, "…");
  const chart = el("div", { id: "job-chart" });
  const metrics = el("div");
  const progress = el("p", { class: "muted" });
  const logs = el("ol", { class: "logs" });
  const cancel = el("button", { type: "button", class: "danger", onclick: async () => {
    try { await api("POST", `/v1/training-jobs/${enc(id)}/cancel`); } catch (e) { main.append(errorBox(e)); }
  } }, "Cancel job");
  const stepChart = el("div", { id: "job-steps" });
  main.replaceChildren(el("h1", {}, `Job ${id}`), state, cancel, el("h2", {}, "Curves"), chart, el("h2", {}, "Training loss by step"), stepChart, progress,
    el("h2", {}, "Metrics"), metrics, el("h2", {}, "Events"), logs);
  const series = { loss: [], val_loss: [], accuracy: [], val_accuracy: [] };
  // Step progress arrives live only (at most four times a second): x is the epoch's fraction done.
  const steps = [];
  const redrawSteps = () => {
    stepChart.replaceChildren(lineChart([{ name: "loss by step", points: steps }], { height: 160 }));
    stepChart.dataset.points = String(steps.length);
  };
  // Losses and accuracies on charts of their own: their scales differ by orders of magnitude.
  const redraw = () => {
    const pick = (names) => names.filter((n) => series[n].length).map((name) => ({ name, points: series[name] }));
    const accuracy = pick(["accuracy", "val_accuracy"]);
    chart.replaceChildren(lineChart(pick(["loss", "val_loss"])), accuracy.length ? lineChart(accuracy) : "");
    chart.dataset.points = String(series.loss.length);
  };
  const showJob = (job) => {
    state.textContent = `State: ${job.state}` + (job.attempts > 1 ? ` (attempt ${job.attempts})` : "") + (job.error ? ` — ${job.error}` : "");
    cancel.hidden = !["queued", "running"].includes(job.state);
    if (job.metrics) metrics.replaceChildren(table(["Metric", "Value"], Object.entries(job.metrics)));
  };
  get(`/v1/training-jobs/${enc(id)}`).then(showJob).catch((e) => state.replaceChildren(errorBox(e)));
  redraw();
  redrawSteps();
  stream("GET", `/v1/training-jobs/${enc(id)}/events`, undefined, (type, raw) => {
    const data = JSON.parse(raw);
    if (type === "epoch") {
      for (const name of Object.keys(series)) if (typeof data[name] === "number") series[name].push([data.epoch, data[name]]);
      redraw();
    } else if (type === "progress") {
      progress.textContent = `epoch ${data.epoch}/${data.epochs}, step ${data.step}/${data.steps}, loss ${format(data.loss)}, ${Math.round(data.samples_per_second)} samples/s`;
      if (typeof data.loss === "number" && data.steps > 0) { steps.push([data.epoch - 1 + data.step / data.steps, data.loss]); redrawSteps(); }
    } else {
      logs.append(el("li", {}, `${type}: ${data.state || data.message || raw}`));
      if (type === "state" || type === "metrics") get(`/v1/training-jobs/${enc(id)}`).then(showJob).catch(() => {});
    }
  }, signal).catch((e) => { if (e.name !== "AbortError") logs.append(el("li", {}, errorBox(e))); });
}

// --- models -----------------------------------------------------------------------------------

export function modelsView(main) {
  const list = el("div");
  const register = form([
    field("Model name", el("input", { name: "name", required: true })),
    field("Folder or file on the server (model.json + weights, GGUF, sentence-transformers, Whisper)", el("input", { name: "path", required: true })),
  ], "Register", async (data) => {
    const model = await api("POST", `/v1/models/${enc(data.get("name"))}/versions`, { path: data.get("path") });
    location.hash = `#/models/${enc(model.name || data.get("name"))}`;
  }, { id: "register-form" });
  load(list, async () => {
    const { models } = await getAll("/v1/models", "models");
    return table(["Model", "Versions", "Latest kind", "Aliases"], models.map((m) => [link(`#/models/${enc(m.name)}`, m.name), m.versions.length,
      m.versions.at(-1)?.kind, Object.entries(m.aliases || {}).map(([a, v]) => `${a} → ${v}`).join(", ")]));
  });
  main.replaceChildren(el("h1", {}, "Models"), el("section", {}, el("h2", {}, "Models"), list), el("section", {}, el("h2", {}, "Register a version"), register));
}

export function modelView(main, name) {
  const body = el("div");
  main.replaceChildren(el("h1", {}, `Model ${name}`), body);
  load(body, async () => {
    const model = await get(`/v1/models/${enc(name)}`);
    const versions = model.versions;
    const compare = el("div", { id: "compare" });
    const options = () => versions.map((v) => el("option", { value: v.version }, `version ${v.version}`));
    const a = el("select", { "aria-label": "first version" }, options()), b = el("select", { "aria-label": "second version" }, options());
    if (versions.length > 1) b.value = String(versions.at(-1).version);
    const drawCompare = () => {
      const va = versions.find((v) => String(v.version) === a.value), vb = versions.find((v) => String(v.version) === b.value);
      const names = [...new Set([...Object.keys(va.metrics), ...Object.keys(vb.metrics)])].sort();
      compare.replaceChildren(table(["Metric", `v${va.version}`, `v${vb.version}`, "Change"],
        names.map((n) => [n, va.metrics[n], vb.metrics[n], typeof va.metrics[n] === "number" && typeof vb.metrics[n] === "number" ? vb.metrics[n] - va.metrics[n] : null])));
    };
    a.addEventListener("change", drawCompare);
    b.addEventListener("change", drawCompare);
    drawCompare();
    const alias = form([
      field("Alias", el("input", { name: "alias", required: true, placeholder: "production" })),
      field("Version", el("select", { name: "version" }, options())),
    ], "Point alias", async (data) => {
      await api("PUT", `/v1/models/${enc(name)}/aliases/${enc(data.get("alias"))}`, { version: Number(data.get("version")) });
      modelView(main, name);
    }, { id: "alias-form" });
    return [
      el("p", {}, `Aliases: ${Object.entries(model.aliases || {}).map(([k, v]) => `${k} → ${v}`).join(", ") || "none"}`),
      table(["Version", "Kind", "Created", "Metrics", "Lineage", "Card", "Artifact"], versions.map((v) => [
        v.version, v.kind, v.created_at,
        Object.entries(v.metrics).map(([k, x]) => `${k} ${format(x)}`).join(", "),
        Object.entries(v.lineage).map(([k, x]) => `${k}: ${x}`).join(", "),
        link(`#/models/${enc(name)}/${v.version}/card`, "card"),
        el("button", { type: "button", onclick: () => download(`/v1/models/${enc(name)}/versions/${v.version}/artifact`, `${name}-${v.version}.tar`).catch((e) => body.append(errorBox(e))) }, "Download"),
      ])),
      el("h2", {}, "Compare two versions"), el("div", { class: "row" }, a, b), compare,
      el("h2", {}, "Aliases"), alias,
    ];
  });
}

export function cardView(main, name, version) {
  const body = el("div");
  main.replaceChildren(el("h1", {}, `Card of ${name} version ${version}`), body);
  load(body, async () => {
    const card = await get(`/v1/models/${enc(name)}/versions/${enc(version)}/card`);
    return el("pre", { class: "card" }, JSON.stringify(card, null, 2));
  });
}

// --- endpoints --------------------------------------------------------------------------------

// Prometheus text → {name: [{labels, value}]} for the metrics the endpoint view shows.
function parseMetrics(textBody) {
  const out = {};
  for (const line of textBody.split("\n")) {
    const match = /^([a-z_]+)\{([^}]*)\} ([^ ]+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[2].matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    (out[match[1]] ||= []).push({ labels, value: Number(match[3]) });
  }
  return out;
}

function quantile(buckets, q) {
  const sorted = buckets.filter((b) => b.labels.le !== "+Inf").map((b) => [Number(b.labels.le), b.value]).sort((x, y) => x[0] - y[0]);
  const total = buckets.find((b) => b.labels.le === "+Inf")?.value || 0;
  if (!total) return null;
  for (const [le, count] of sorted) if (count >= q * total) return le;
  return Infinity;
}

export function endpointsView(main, signal) {
  const list = el("div");
  const live = el("div", { id: "endpoint-stats" });
  const deploy = form([
    field("Endpoint name", el("input", { name: "name", required: true })),
    field("Model (name@alias or name@version)", el("input", { name: "model", required: true, placeholder: "iris@production" })),
    field("Canary (optional: an alias or version of the same model)", el("input", { name: "canary" })),
    field("Canary share %", el("input", { name: "percent", type: "number", min: 0, max: 100, value: 10 })),
    field("Max batch size", el("input", { name: "max_batch_size", type: "number", min: 1, max: 4096, value: 64 })),
    field("Max batch delay (µs)", el("input", { name: "max_delay_us", type: "number", min: 0, value: 0 })),
  ], "Deploy", async (data) => {
    const request = { name: data.get("name"), model: data.get("model"),
      batching: { max_batch_size: Number(data.get("max_batch_size")), max_delay_us: Number(data.get("max_delay_us")) } };
    if (data.get("canary")) request.canary = { model: data.get("canary"), percent: Number(data.get("percent")) };
    await api("POST", "/v1/deployments", request);
    refresh();
    return el("p", { class: "ok" }, `Deployed ${request.name}.`);
  }, { id: "deploy-form" });
  const refresh = () => load(list, async () => {
    const { deployments } = await getAll("/v1/deployments", "deployments");
    return table(["Endpoint", "Model", "Version", "Canary", "Batching", "", ""], deployments.map((d) => [
      d.name, `${d.model}@${d.reference}`, d.version, d.canary ? `${d.canary.reference} (${d.canary.percent}%)` : null,
      `≤${d.batching.max_batch_size} rows, ${d.batching.max_delay_us} µs`,
      el("button", { type: "button", onclick: () => showDrift(d.name) }, "Drift"),
      el("button", { type: "button", class: "danger", onclick: async () => {
        try { await api("DELETE", `/v1/deployments/${enc(d.name)}`); refresh(); } catch (e) { list.append(errorBox(e)); }
      } }, "Undeploy"),
    ]));
  });
  // Drift of the endpoint's live inputs against its training data (PSI per feature).
  const drift = el("div", { id: "drift" });
  const showDrift = (name) => load(drift, async () => {
    const report = await get(`/v1/endpoints/${enc(name)}/drift`);
    return [el("h3", {}, `Drift of ${name} (version ${report.model_version}): ${report.rows_seen} rows seen, PSI threshold ${report.psi_threshold}`),
      report.profiled ? table(["Feature", "Kind", "Status", "Live rows", "PSI", "Jensen-Shannon"],
        report.features.map((f) => [f.name, f.kind, f.status, f.live_rows, f.psi, f.jensen_shannon]))
        : el("p", {}, "This version has no training profile to compare with.")];
  });
  refresh();
  // Request rate and latency from the server's own counters, every 2 s while the view is open.
  let previous = null;
  const poll = async () => {
    if (signal.aborted) return;
    try {
      const metrics = parseMetrics(await get("/metrics"));
      const now = Date.now();
      const counts = Object.fromEntries((metrics.maas_inference_requests_total || []).map((m) => [`${m.labels.endpoint}@${m.labels.version}`, m.value]));
      const rows = Object.entries(counts).map(([key, count]) => {
        const [endpoint, version] = key.split("@");
        const match = (m) => m.labels.endpoint === endpoint && m.labels.version === version;
        const latency = (metrics.maas_inference_duration_seconds_bucket || []).filter(match);
        const queue = (metrics.maas_inference_queue_seconds_bucket || []).filter(match);
        const rate = previous && previous.counts[key] !== undefined ? (count - previous.counts[key]) / ((now - previous.at) / 1000) : null;
        const ms = (s) => (s === null ? null : s === Infinity ? "> 10 s" : `≤ ${s * 1000} ms`);
        return [endpoint, version, count, rate === null ? null : `${rate.toFixed(1)}/s`, ms(quantile(latency, 0.5)), ms(quantile(latency, 0.99)), ms(quantile(queue, 0.99))];
      });
      previous = { counts, at: now };
      live.replaceChildren(table(["Endpoint", "Version", "Requests", "Rate", "p50", "p99", "Queue p99"], rows));
    } catch (e) {
      live.replaceChildren(e.status === 403 ? el("p", { class: "muted" }, `Live counters: ${e.message}`) : errorBox(e));
      return;
    }
    setTimeout(poll, 2000);
  };
  poll();
  main.replaceChildren(el("h1", {}, "Endpoints"), el("section", {}, el("h2", {}, "Endpoints"), list),
    drift, el("section", {}, el("h2", {}, "Live traffic"), live), el("section", {}, el("h2", {}, "Deploy"), deploy));
}

// --- playground -------------------------------------------------------------------------------

export function playgroundView(main, signal) {
  const picker = el("select", { id: "endpoint-picker", "aria-label": "endpoint" });
  const area = el("div", { id: "playground" });
  main.replaceChildren(el("h1", {}, "Playground"), field("Endpoint", picker), area);
  load(area, async () => {
    const [{ deployments }, { models }] = await Promise.all([getAll("/v1/deployments", "deployments"), getAll("/v1/models", "models")]);
    if (!deployments.length) return el("p", {}, "No endpoint is deployed yet: deploy one under Endpoints.");
    const kindOf = (d) => models.find((m) => m.name === d.model)?.versions.find((v) => v.version === d.version)?.kind;
    picker.replaceChildren(...deployments.map((d) => el("option", { value: d.name }, `${d.name} (${kindOf(d) || "model"})`)));
    const show = () => {
      const d = deployments.find((x) => x.name === picker.value);
      const kind = kindOf(d);
      if (kind === "language_model") chatPanel(area, d.name, signal);
      else if (kind === "sentence_encoder") embeddingPanel(area, d.name);
      else predictPanel(area, d.name);
    };
    picker.addEventListener("change", show);
    const wanted = new URLSearchParams(location.hash.split("?")[1] || "").get("endpoint");
    if (wanted && deployments.some((d) => d.name === wanted)) picker.value = wanted;
    setTimeout(show);
    return [];
  });
}

function chatPanel(area, endpoint, signal) {
  const transcript = el("div", { class: "chat", id: "chat-log", "aria-live": "polite" });
  const messages = [];
  const chat = form([field("Message", el("textarea", { name: "message", rows: 2, required: true }))], "Send", async (data, status) => {
    const content = data.get("message");
    messages.push({ role: "user", content });
    transcript.append(el("p", { class: "user" }, content));
    const reply = el("p", { class: "assistant" });
    transcript.append(reply);
    chat.reset();
    let answer = "";
    await stream("POST", "/v1/chat/completions", { model: endpoint, messages, stream: true, max_tokens: 128 }, (type, raw) => {
      if (raw === "[DONE]") return;
      const delta = JSON.parse(raw).choices?.[0]?.delta?.content;
      if (delta) { answer += delta; reply.textContent = answer; }
    }, signal);
    messages.push({ role: "assistant", content: answer });
    reply.dataset.done = "true";
    status.replaceChildren();
  }, { id: "chat-form" });
  area.replaceChildren(el("h2", {}, `Chat with ${endpoint}`), transcript, chat);
}

function embeddingPanel(area, endpoint) {
  const output = el("div");
  area.replaceChildren(el("h2", {}, `Embeddings from ${endpoint}`), form([field("Text", el("textarea", { name: "text", rows: 3, required: true }))], "Embed", async (data) => {
    const result = await api("POST", "/v1/embeddings", { model: endpoint, input: data.get("text") });
    const vector = result.data[0].embedding;
    output.replaceChildren(el("p", {}, `${vector.length} dimensions: ${vector.slice(0, 8).map((x) => x.toFixed(4)).join(", ")}, …`));
  }, { id: "embed-form" }), output);
}

// A form built from the endpoint's input schema: a field per column for tables, a drawing
// canvas (or an uploaded picture) for image classifiers.
async function predictPanel(area, endpoint) {
  const output = el("div", { id: "prediction" });
  const metadata = await get(`/v2/models/${enc(endpoint)}`).catch((e) => ({ error: e }));
  if (metadata.error) { area.replaceChildren(errorBox(metadata.error)); return; }
  const showAnswer = (answer) => {
    const outputs = Object.fromEntries(answer.outputs.map((o) => [o.name, o]));
    const label = outputs.label?.data?.[0];
    const probabilities = outputs.probabilities?.data;
    output.replaceChildren(
      el("p", { class: "answer" }, label !== undefined ? `Predicted: ${label}` : `Output: ${JSON.stringify(outputs.predictions?.data?.slice(0, 16))}`),
      probabilities ? bars(probabilities.map((p, i) => [String(i), p])) : null);
  };
  const image = metadata.inputs.length === 1 && metadata.inputs[0].shape.length >= 3;
  if (!image) {
    const inputs = metadata.inputs;
    const fields = inputs.map((input) => field(input.name, el("input", { name: input.name, required: true, inputmode: input.datatype === "BYTES" ? "text" : "decimal" })));
    area.replaceChildren(el("h2", {}, `Predict with ${endpoint}`), form(fields, "Predict", async (data) => {
      const tensors = inputs.map((input) => ({ name: input.name, shape: [1], datatype: input.datatype,
        data: [input.datatype === "BYTES" ? data.get(input.name) : Number(data.get(input.name))] }));
      if (tensors.some((t) => t.datatype !== "BYTES" && !Number.isFinite(t.data[0]))) throw new Error("every numeric field needs a number");
      showAnswer(await api("POST", `/v2/models/${enc(endpoint)}/infer`, { inputs: tensors }));
    }, { id: "predict-form" }), output);
    return;
  }
  // Image input [-1, H, W, C] or [-1, C, H, W]: draw, or load a picture, scaled to H×W grey.
  const shape = metadata.inputs[0].shape.slice(1);
  const [h, w] = shape.length === 3 && shape[0] <= 4 ? [shape[1], shape[2]] : [shape[0], shape[1]];
  const canvas = el("canvas", { width: 280, height: 280, class: "draw", "aria-label": "drawing area" });
  const context = canvas.getContext("2d");
  const clear = () => { context.fillStyle = "#000"; context.fillRect(0, 0, 280, 280); };
  clear();
  let drawing = false;
  const at = (e) => { const r = canvas.getBoundingClientRect(); return [(e.clientX - r.left) * 280 / r.width, (e.clientY - r.top) * 280 / r.height]; };
  canvas.addEventListener("pointerdown", (e) => { drawing = true; context.beginPath(); context.moveTo(...at(e)); });
  canvas.addEventListener("pointermove", (e) => { if (!drawing) return; context.lineTo(...at(e)); context.strokeStyle = "#fff"; context.lineWidth = 22; context.lineCap = "round"; context.stroke(); });
  canvas.addEventListener("pointerup", () => { drawing = false; });
  const file = el("input", { type: "file", accept: "image/*", "aria-label": "picture" });
  file.addEventListener("change", async () => {
    const bitmap = await createImageBitmap(file.files[0]);
    context.drawImage(bitmap, 0, 0, 280, 280);
  });
  const classify = el("button", { type: "button", id: "classify" }, "Classify");
  classify.addEventListener("click", async () => {
    const small = el("canvas", { width: w, height: h }).getContext("2d");
    small.drawImage(canvas, 0, 0, w, h);
    const pixels = small.getImageData(0, 0, w, h).data;
    const grey = [];
    for (let i = 0; i < pixels.length; i += 4) grey.push((pixels[i] + pixels[i + 1] + pixels[i + 2]) / (3 * 255));
    try {
      showAnswer(await api("POST", `/v2/models/${enc(endpoint)}/infer`, { inputs: [{ name: metadata.inputs[0].name, shape: [1, ...shape], datatype: "FP32", data: grey }] }));
    } catch (e) { output.replaceChildren(errorBox(e)); }
  });
  area.replaceChildren(el("h2", {}, `Classify with ${endpoint}`), canvas, el("div", { class: "row" }, file,
    el("button", { type: "button", onclick: clear }, "Clear"), classify), output);
}

// --- fairness evaluations -----------------------------------------------------------------------

export function evaluationsView(main) {
  const list = el("div");
  const run = form([
    field("Model version (name@version or name@alias)", el("input", { name: "model", required: true, placeholder: "loans@1" })),
    field("Dataset", el("input", { name: "dataset", required: true })),
    field("Target column", el("input", { name: "target", required: true })),
    field("Sensitive columns (comma-separated, up to 4)", el("input", { name: "sensitive", required: true, placeholder: "sex, race" })),
    field("Positive label (binary classifiers; optional)", el("input", { name: "positive_label" })),
    field("Minimum group size (optional)", el("input", { name: "min_group_size", type: "number", min: 1 })),
    field("Mitigation (optional)", el("select", { name: "mitigate" }, el("option", { value: "" }, "none"),
      el("option", { value: "demographic_parity" }, "threshold optimizer, demographic parity"),
      el("option", { value: "equalized_odds" }, "threshold optimizer, equalized odds"))),
  ], "Evaluate", async (data) => {
    const request = { model: data.get("model"), dataset: data.get("dataset"), target: data.get("target"),
      sensitive: data.get("sensitive").split(",").map((s) => s.trim()).filter(Boolean) };
    if (data.get("positive_label")) request.positive_label = data.get("positive_label");
    if (data.get("min_group_size")) request.min_group_size = Number(data.get("min_group_size"));
    if (data.get("mitigate")) request.mitigate = { method: "threshold_optimizer", constraint: data.get("mitigate") };
    const evaluation = await api("POST", "/v1/evaluations", request);
    location.hash = `#/evaluations/${enc(evaluation.id)}`;
  }, { id: "evaluation-form" });
  load(list, async () => {
    const { evaluations } = await getAll("/v1/evaluations", "evaluations");
    return table(["Evaluation", "Model", "Dataset", "Created"], evaluations.map((e) =>
      [link(`#/evaluations/${enc(e.id)}`, e.id), e.model, `${e.dataset} v${e.dataset_version}`, e.created_at]));
  });
  main.replaceChildren(el("h1", {}, "Fairness evaluations"), el("section", {}, el("h2", {}, "Evaluations"), list),
    el("section", {}, el("h2", {}, "Evaluate a model version"), run));
}

const GAPS = ["demographic_parity_difference", "demographic_parity_ratio", "equalized_odds_difference", "equal_opportunity_difference"];
const GROUP_METRICS = ["selection_rate", "accuracy", "precision", "recall", "false_positive_rate", "mean_prediction", "mean_absolute_error"];

// One view of a report (by one sensitive column, or their intersection): the gaps between
// groups, each group's metrics beside the overall ones, and selection rates as bars.
function fairnessSection(section, title) {
  const present = GROUP_METRICS.filter((m) => m in section.overall);
  const describe = (group) => Object.entries(group).map(([k, v]) => `${k}=${v}`).join(", ");
  const gaps = GAPS.filter((g) => g in section);
  return el("section", { class: "fairness" }, el("h2", {}, title),
    gaps.length ? table(["Measure", "Value"], gaps.map((g) => [g.replaceAll("_", " "), section[g]])) : null,
    table(["Group", "Rows", ...present.map((m) => m.replaceAll("_", " "))], [
      ...section.groups.map((g) => [describe(g.group), g.metrics.count, ...present.map((m) => g.metrics[m])]),
      ["overall", section.overall.count, ...present.map((m) => section.overall[m])]]),
    "selection_rate" in section.overall ? bars(section.groups.map((g) => [describe(g.group), g.metrics.selection_rate])) : null);
}

export function evaluationView(main, id) {
  const body = el("div", { id: "evaluation" });
  main.replaceChildren(el("h1", {}, `Evaluation ${id}`), body);
  load(body, async () => {
    const e = await get(`/v1/evaluations/${enc(id)}`);
    const parts = [
      el("p", {}, `${e.model} on ${e.dataset} version ${e.dataset_version}: ${e.rows} rows, target ${e.target} (${e.task}` +
        (e.positive_label !== undefined ? `, positive label ${e.positive_label})` : ")")),
      ...e.by.map((section) => fairnessSection(section, `By ${section.sensitive.join(" × ")}`)),
    ];
    const m = e.mitigation;
    if (m) {
      parts.push(el("h2", {}, `Mitigation: ${m.method}, ${m.constraint}`),
        table(["Group", "Threshold", "p", "Alternative threshold", "p", "Constant"], m.rules.map((r) =>
          [Object.entries(r.group || {}).map(([k, v]) => `${k}=${v}`).join(", "), r.threshold0, r.p0, r.threshold1, r.p1, r.constant])),
        fairnessSection(m.before, "Before (the model's own decisions)"), fairnessSection(m.after, "After (the optimizer's expected decisions)"));
    }
    return parts;
  });
}

// --- keys and usage ---------------------------------------------------------------------------

export function keysView(main) {
  const keys = el("div"), usage = el("div"), created = el("div", { "aria-live": "polite" });
  const refresh = () => {
    load(keys, async () => {
      const { keys: list } = await getAll("/v1/keys", "keys");
      return table(["Name", "Role", "Created", "Revoked", "Limits", ""], list.map((k) => [k.name, k.role, k.created_at, k.revoked ? "yes" : "no",
        Object.entries(k.limits || {}).filter(([, v]) => v !== null).map(([n, v]) => `${n} ${v}`).join(", ") || "none",
        k.revoked ? null : el("button", { type: "button", class: "danger", onclick: async () => {
          if (!confirm(`Revoke key ${k.name}?`)) return;
          try { await api("DELETE", `/v1/keys/${enc(k.id)}`); refresh(); } catch (e) { keys.append(errorBox(e)); }
        } }, "Revoke")]));
    });
    load(usage, async () => {
      const u = await get("/v1/usage");
      return table(["Key", "Requests", "Rows predicted", "Training s", "Prompt tokens", "Completion tokens", "Audio s"],
        [...u.keys.map((k) => [k.key_id, k.requests, k.rows_predicted, k.training_seconds, k.prompt_tokens, k.completion_tokens, k.audio_seconds]),
          ["total", u.total.requests, u.total.rows_predicted, u.total.training_seconds, u.total.prompt_tokens, u.total.completion_tokens, u.total.audio_seconds]]);
    });
  };
  const create = form([
    field("Name", el("input", { name: "name", required: true })),
    field("Role", el("select", { name: "role" }, ["inference", "viewer", "developer", "admin"].map((r) => el("option", { value: r }, r)))),
    field("Requests per minute (optional)", el("input", { name: "rpm", type: "number", min: 1 })),
  ], "Create key", async (data) => {
    const request = { name: data.get("name"), role: data.get("role") };
    if (data.get("rpm")) request.limits = { requests_per_minute: Number(data.get("rpm")) };
    const key = await api("POST", "/v1/keys", request);
    refresh();
    created.replaceChildren(el("p", { class: "ok" }, "The secret is shown once; store it now: "), el("code", { class: "secret" }, key.key));
  }, { id: "key-form" });
  refresh();
  main.replaceChildren(el("h1", {}, "Keys and usage"), el("section", {}, el("h2", {}, "Keys"), keys),
    el("section", {}, el("h2", {}, "New key"), create, created), el("section", {}, el("h2", {}, "Usage per key"), usage));
}
