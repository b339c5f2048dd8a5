// The public API as the console uses it: every call carries the signed-in key, every error
// becomes an ApiError holding the server's own message (and the field it names).

const KEY = "maas-key";

export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

// The key lives in sessionStorage: gone when the tab closes, never sent as a cookie.
export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  set key(value) { value ? sessionStorage.setItem(KEY, value) : sessionStorage.removeItem(KEY); },
};

function headers(extra = {}) {
  return { Authorization: `Bearer ${session.key}`, ...extra };
}

async function failure(response) {
  let message = `${response.status} ${response.statusText}`, field;
  try {
    const body = await response.json();
    if (body && body.error) { message = body.error.message || message; field = body.error.field; }
  } catch { /* not JSON: keep the status line */ }
  if (response.status === 401) window.dispatchEvent(new CustomEvent("maas-unauthorized", { detail: message }));
  return new ApiError(response.status, message, field);
}

// JSON in, JSON out. `body` objects are sent as JSON; strings and Blobs as they are.
export async function api(method, path, body, extraHeaders = {}) {
  const init = { method, headers: headers(extraHeaders) };
  if (body !== undefined) {
    if (typeof body === "string" || body instanceof Blob || body instanceof FormData) init.body = body;
    else { init.body = JSON.stringify(body); init.headers["Content-Type"] = "application/json"; }
  }
  const response = await fetch(path, init);
  if (!response.ok) throw await failure(response);
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  return type.includes("json") ? response.json() : response.text();
}

export const get = (path) => api("GET", path);

// Every item of a paged list route, following next_page_token (pages of 1000; the tables
// page what they show). Answers the first page's object with `member` holding all items.
export async function getAll(path, member) {
  const first = await get(`${path}?limit=1000`);
  let token = first.next_page_token;
  while (token) {
    const page = await get(`${path}?limit=1000&page_token=${encodeURIComponent(token)}`);
    first[member] = first[member].concat(page[member]);
    token = page.next_page_token;
  }
  delete first.next_page_token;
  return first;
}

// A file as the body of one request, with upload progress (fetch reports none).
export function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", path);
    request.setRequestHeader("Authorization", `Bearer ${session.key}`);
    request.upload.addEventListener("progress", (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); });
    request.addEventListener("load", () => {
      let body = null;
      try { body = JSON.parse(request.responseText); } catch { /* empty */ }
      if (request.status >= 200 && request.status < 300) resolve(body);
      else reject(new ApiError(request.status, body?.error?.message || `${request.status} ${request.statusText}`, body?.error?.field));
    });
    request.addEventListener("error", () => reject(new ApiError(0, "the upload failed: the server could not be reached")));
    request.send(file);
  });
}

// Server-Sent Events over fetch (EventSource cannot send the Authorization header). Calls
// onEvent(type, data) per event until the stream ends or `signal` aborts.
export async function stream(method, path, body, onEvent, signal) {
  const init = { method, headers: headers({ Accept: "text/event-stream" }), signal };
  if (body !== undefined) { init.body = JSON.stringify(body); init.headers["Content-Type"] = "application/json"; }
  const response = await fetch(path, init);
  if (!response.ok) throw await failure(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const record = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = "message";
      const data = [];
      for (const line of record.split("\n")) {
        if (line.startsWith("event:")) type = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) onEvent(type, data.join("\n"));
    }
  }
}

// Bytes the API answers (an artifact) saved as a file through an object URL.
export async function download(path, filename) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) throw await failure(response);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
