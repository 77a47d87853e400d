// Talking to the server: the signed-in person's token on every request, errors in words for people, and a
// turn's server-sent events. Everything of one person's session that is open (a stream, a request) is aborted
// together when they sign out (see `endSession`).

export const TOKEN_KEY = "os1.token";

export const session = { token: localStorage.getItem(TOKEN_KEY), controller: new AbortController() };

export class ApiError extends Error {
  constructor(message, status = 0) { super(message); this.status = status; }
}

// Set by the app: what to do when the server no longer accepts the token.
export const hooks = { unauthorized: (message) => {} };

export const CANT_REACH = "I can't reach the OS1 server. Check that it is running and that this device is " +
  "online, then try again.";

export function authHeaders() { return { Authorization: `Bearer ${session.token}` }; }

export async function api(path, { method = "GET", body, signal } = {}) {
  const headers = authHeaders();
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const signals = [session.controller.signal, signal].filter(Boolean);
  let response;
  try {
    response = await fetch(path, { method, headers, cache: "no-store", signal: AbortSignal.any(signals),
                                   body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(CANT_REACH);
  }
  if (response.status === 401) {
    hooks.unauthorized("That sign-in token wasn't accepted. Please sign in again.");
    throw new ApiError("Please sign in again.", 401);
  }
  if (!response.ok) throw new ApiError(await problem(response), response.status);
  return response;
}

// The server's errors are {"error": {"code", "message"}}, the message written for people.
export async function problem(response) {
  try {
    const data = await response.json();
    if (typeof data.error?.message === "string") return data.error.message;
  } catch { /* not JSON */ }
  if (response.status === 429) return "OS1 is busy with other people right now. Please try again in a minute.";
  return `Something went wrong on the server (${response.status}). Please try again in a moment.`;
}

export async function getJSON(path) { return (await api(path)).json(); }
export async function postJSON(path, body = {}) { return (await api(path, { method: "POST", body })).json(); }

// Server-sent events from a fetch body: blocks separated by a blank line, each with `data:` lines.
export async function* sseEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
      if (data) yield JSON.parse(data);
    }
  }
}

// Signing out: every request and stream of this person stops now.
export function endSession() {
  session.controller.abort();
  session.controller = new AbortController();
  session.token = null;
}

export function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

export function button(text, onClick, { className = "", label = "" } = {}) {
  const b = element("button", className, text);
  b.type = "button";
  if (label) b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
}

// A modal question: a title, what it says, and buttons, each answering with its value. Resolves, once it is
// closed, to the answer ("" for Esc) and its form (to read what was chosen in it). `focus`: the value of the
// button that has the focus at first (the safe one, where an answer cannot be undone).
export async function ask({ className, title, body = [], buttons, focus = null }) {
  const dialog = element("dialog", className);
  const heading = element("h2", "", title);
  heading.id = `${className}-title`;
  dialog.setAttribute("aria-labelledby", heading.id);
  const form = element("form");
  form.method = "dialog";
  const row = element("div", "row");
  for (const { text, value, className: look = "" } of buttons) {
    const b = element("button", look, text);
    b.value = value;
    row.append(b);
  }
  form.append(heading, ...body, row);
  dialog.append(form);
  document.body.append(dialog);
  dialog.showModal();
  if (focus !== null) row.querySelector(`button[value="${focus}"]`)?.focus();
  const answer = await new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue)));
  dialog.remove();
  return { answer, form };
}

export function when(iso) {
  const date = new Date(iso);
  return iso && !Number.isNaN(date.getTime()) ? date.toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) : "";
}

// A message's time: the hour today, the day and hour before.
export function shortTime(date) {
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleString([], { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

export function showError(id, message) {
  const el = document.getElementById(id);
  el.textContent = message || "";
  el.hidden = !message;
}
