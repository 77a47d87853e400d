// OS1 web app: sign in, talk (typed or out loud), read history, see and prune what OS1 knows.
// Plain JS modules, no build step. Whatever the server sends is shown with textContent: none of it becomes markup.
import { VoiceLink } from "./voice.js";
import { loadLetters, setupLetters } from "./letters.js";

const TOKEN_KEY = "os1.token";
// Often enough to notice a change soon; rarely enough that a household of thousands doesn't keep the server
// busy answering it. A hidden tab doesn't ask at all, and asks at once when it is shown again.
const STATUS_EVERY_MS = 15000;
const NOTICES_RETRY_MS = 5000; // the live channel dropped (a restart, a proxy's timeout): listen again after this
document.addEventListener("visibilitychange", () => { if (!document.hidden) pollStatus(); });

const $ = (id) => document.getElementById(id);
const state = { token: localStorage.getItem(TOKEN_KEY), conversationId: null, busy: false, voice: null, waiting: "" };

// ---------- talking to the server ----------

class ApiError extends Error {}

async function api(path, { method = "GET", body } = {}) {
  const headers = { Authorization: `Bearer ${state.token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError("I can't reach OS1 right now. Check your connection, then try again.");
  }
  if (response.status === 401) {
    signOut("That sign-in token wasn't accepted. Please sign in again.");
    throw new ApiError("Please sign in again.");
  }
  if (!response.ok) throw new ApiError(await problem(response));
  return response;
}

// The server's errors are {"error": {"code", "message"}}, the message written for people.
async function problem(response) {
  try {
    const data = await response.json();
    if (typeof data.error?.message === "string") return data.error.message;
  } catch { /* not JSON */ }
  if (response.status === 429) return "OS1 is busy with other people right now. Please try again in a minute.";
  return `Something went wrong on the server (${response.status}). Please try again in a moment.`;
}

async function getJSON(path) { return (await api(path)).json(); }

function showError(id, message) {
  $(id).textContent = message || "";
  $(id).hidden = !message;
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function when(iso) {
  const date = new Date(iso);
  return iso && !Number.isNaN(date.getTime()) ? date.toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) : "";
}

// ---------- signing in ----------

function signOut(message) {
  stopVoice();
  clearTimeout(statusTimer);
  stopNotices();
  localStorage.removeItem(TOKEN_KEY);
  Object.assign(state, { token: null, conversationId: null });
  $("app").hidden = true;
  $("who").hidden = true;
  $("sign-in").hidden = false;
  setStatus("unknown", "Signed out");
  showError("sign-in-error", message);
  $("token").value = "";
  $("token").focus();
}

async function signIn(event) {
  event.preventDefault();
  const token = $("token").value.trim();
  if (!token) { showError("sign-in-error", "Paste your sign-in token first."); return; }
  try {
    const response = await fetch("/api/status", { headers: { Authorization: `Bearer ${token}` } });
    if (response.status === 401) { showError("sign-in-error", "That token isn't one I know. Check it and try again."); return; }
    if (!response.ok) { showError("sign-in-error", await problem(response)); return; }
  } catch {
    showError("sign-in-error", "I can't reach OS1 right now. Check your connection and try again.");
    return;
  }
  state.token = token;
  localStorage.setItem(TOKEN_KEY, token);
  // Asked here, while the person is clicking: a reminder can then reach them when this tab is out of sight.
  if (window.Notification?.permission === "default") Notification.requestPermission().catch(() => {});
  enter();
}

function enter() {
  $("sign-in").hidden = true;
  $("app").hidden = false;
  $("who").hidden = false;
  showView("chat");
  pollStatus();
  listenForNotices();
}

// ---------- the status line: is my companion there? ----------

function describeStatus(status) {
  const queue = Number(status.queue) || 0;
  switch (status.model?.state) {
    case "loading": return ["loading", "Loading the model…"];
    case "down": return ["down", "Can't reach the model"];
    case "busy":
      if (state.waiting) return waitingStatus(state.waiting);
      return ["busy", queue ? `Busy — ${queue} waiting` : "Busy — replying"];
    case "ready": return ["ready", "Ready"];
    default: return ["unknown", "Connecting…"];
  }
}

// The turnstile says "You're 2nd in line…" while this person's own turn waits.
function waitingStatus(detail) {
  return ["busy", `Busy — ${detail[0].toLowerCase()}${detail.slice(1)}`];
}

function setStatus(kind, text) {
  $("status").dataset.state = kind;
  // Only on a change: a live region re-reads whatever is written into it, even the same words.
  if ($("status-text").textContent !== text) $("status-text").textContent = text;
}

let statusTimer = null;
async function pollStatus() {
  clearTimeout(statusTimer);
  if (!state.token || document.hidden) return;
  try {
    const response = await fetch("/api/status", { headers: { Authorization: `Bearer ${state.token}` } });
    if (response.status === 401) { signOut("That sign-in token wasn't accepted any more. Please sign in again."); return; }
    if (!response.ok) throw new Error(String(response.status));
    const status = await response.json();
    setStatus(...describeStatus(status));
    $("person").textContent = status.person || "";
  } catch {
    setStatus("offline", "Can't reach the model");
  }
  statusTimer = setTimeout(pollStatus, STATUS_EVERY_MS);
}

// ---------- views ----------

function showView(name) {
  for (const tab of document.querySelectorAll(".tab")) {
    if (tab.dataset.view === name) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  for (const view of ["chat", "history", "memory", "letters"]) $(`view-${view}`).hidden = view !== name;
  if (name === "history") loadConversations();
  if (name === "memory") loadMemory();
  if (name === "letters") loadLetters();
}

// ---------- the conversation ----------

function addMessage(role, text, { voice = false, note = "" } = {}) {
  $("chat-empty").hidden = true;
  const el = element("p", `msg ${role}${voice ? " voice" : ""}`, text);
  if (note) el.append(element("span", "note", note));
  $("messages").append(el);
  el.scrollIntoView({ block: "end" });
  return el;
}

function clearMessages() {
  $("messages").replaceChildren($("chat-empty"));
  $("chat-empty").hidden = false;
}

// A reply being written: its text grows as deltas arrive; a note under it says what is happening.
class Reply {
  constructor() {
    this.el = addMessage("assistant", "");
    this.el.classList.add("streaming");
    this.text = document.createTextNode("");
    this.note = element("span", "note");
    const cursor = element("span", "cursor"); // drawn by CSS while the reply is being written
    cursor.setAttribute("aria-hidden", "true");
    this.el.replaceChildren(this.text, cursor, this.note);
    // While it is written, screen readers wait (aria-busy) and then read the whole reply once.
    $("messages").setAttribute("aria-busy", "true");
  }

  append(delta) { this.text.data += delta; this.say(""); this.el.scrollIntoView({ block: "end" }); }
  say(note) { this.note.textContent = note; }

  done() {
    this.el.classList.remove("streaming");
    $("messages").setAttribute("aria-busy", "false");
  }

  end(text, interrupted) {
    if (text && !this.text.data.trim()) this.text.data = text;
    this.done();
    this.say(interrupted ? "(interrupted)" : "");
  }

  fail(message) {
    this.done();
    this.note.classList.add("error");
    this.say(message);
  }
}

// What an event means for the reply on screen: the same for typed turns (SSE) and spoken ones (the socket).
function applyEvent(event, reply) {
  switch (event.type) {
    case "turn_started": state.conversationId = event.conversation_id; break;
    case "status":
      state.waiting = event.state === "waiting" ? event.detail : "";
      if (state.waiting) setStatus(...waitingStatus(state.waiting));
      if (event.state === "waiting" || event.state === "loading") reply.say(event.detail);
      if (event.state === "thinking") reply.say("");
      break;
    case "text_delta": reply.append(event.text); break;
    case "turn_ended": state.waiting = ""; reply.end(event.text, event.interrupted); break;
    case "error": state.waiting = ""; reply.fail(event.message); break;
    default: break;
  }
}

// Server-sent events from a fetch body: blocks separated by a blank line, each with `data:` lines.
async function* sseEvents(response) {
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

async function send(event) {
  event.preventDefault();
  const box = $("message");
  const text = box.value.trim();
  if (!text || state.busy) return;
  showError("chat-error", "");
  state.busy = true;
  $("send").disabled = true;
  box.value = "";
  autoGrow();
  addMessage("user", text);
  const reply = new Reply();
  try {
    const response = await api("/api/chat", { method: "POST", body: { text, conversation_id: state.conversationId } });
    for await (const ev of sseEvents(response)) applyEvent(ev, reply);
    if (reply.el.classList.contains("streaming")) reply.end("", false);
  } catch (err) {
    reply.fail(err.message);
  } finally {
    state.busy = false;
    state.waiting = "";
    showHeldNotices();
    $("send").disabled = false;
    box.focus();
    pollStatus();  // the line said "in line…" or "replying": look again now, not at the next regular look
  }
}

function autoGrow() {
  const box = $("message");
  box.style.height = "auto";
  box.style.height = `${Math.min(box.scrollHeight, window.innerHeight * 0.4)}px`;
}

function onKey(event) {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
}

// ---------- history ----------

function listItem(title, meta, preview, onOpen) {
  const button = element("button");
  button.type = "button";
  button.append(element("span", "title", title), element("span", "meta", meta));
  if (preview) button.append(element("span", "preview", preview));
  button.addEventListener("click", onOpen);
  const li = element("li");
  li.append(button);
  return li;
}

function placeholder(text) { return element("li", "hint", text); }

async function loadConversations() {
  showError("history-error", "");
  try {
    const { conversations } = await getJSON("/api/conversations");
    const items = conversations.map((c) => listItem(
      c.title || c.first_words || "A quiet conversation",
      [when(c.updated), `${c.messages} ${c.messages === 1 ? "message" : "messages"}`].filter(Boolean).join(" · "),
      c.title ? c.first_words : "",
      () => openConversation(c.id),
    ));
    $("conversations").replaceChildren(...(items.length ? items : [placeholder("No conversations yet. Say hello!")]));
  } catch (err) {
    showError("history-error", err.message);
  }
}

async function openConversation(id) {
  stopVoice();
  try {
    const { messages } = await getJSON(`/api/conversations/${id}/messages`);
    state.conversationId = id;
    clearMessages();
    for (const m of messages) {
      if (m.reminder) { addMessage("notice", m.text); continue; }
      if (m.role !== "user" && m.role !== "assistant") continue;
      addMessage(m.role, m.text, { note: m.status === "interrupted" ? "(interrupted)" : "" });
    }
    showView("chat");
    $("message").focus();
  } catch (err) {
    showError("history-error", err.message);
  }
}

async function newConversation() {
  stopVoice();
  try {
    const created = await (await api("/api/conversations", { method: "POST", body: {} })).json();
    state.conversationId = created.id;
  } catch (err) {
    showError("history-error", err.message);
    return;
  }
  clearMessages();
  showView("chat");
  $("message").focus();
}

const SAID_BY = { user: "You said", assistant: "OS1 said" };
const KIND = { fact: "Something I know", summary: "From a conversation's summary", message: "" };

function memoryLine(item) {
  return [SAID_BY[item.role] || KIND[item.kind] || "", when(item.time)].filter(Boolean).join(" · ");
}

async function searchHistory(event) {
  event.preventDefault();
  const q = $("history-q").value.trim();
  const results = $("search-results");
  showError("history-error", "");
  if (!q) { $("found").hidden = true; return; }
  try {
    const { items } = await getJSON(`/api/memory/search?q=${encodeURIComponent(q)}`);
    const found = items.map((item) => listItem(item.text, memoryLine(item), "", () => {
      if (item.conversation_id != null) openConversation(item.conversation_id);
    }));
    results.replaceChildren(...(found.length ? found : [placeholder(`Nothing found for “${q}”.`)]));
    $("found").hidden = false;
  } catch (err) {
    showError("history-error", err.message);
  }
}

// ---------- what OS1 knows ----------

function section(title, rows) {
  const box = element("section");
  const list = element("ul");
  list.append(...rows);
  box.append(element("h3", "", title), list);
  return box;
}

function row(text, aside) {
  const li = element("li", "", text);
  if (aside) li.append(element("span", "when", aside));
  return li;
}

async function loadMemory() {
  showError("memory-error", "");
  try {
    const { profile, facts } = await getJSON("/api/memory");
    const parts = [];
    if (profile.length) parts.push(section("About you", profile.map((p) => row(`${p.label}: ${p.text}`))));
    if (facts.length) parts.push(section("Things you've told me", facts.map((f) => row(f.text, when(f.learned)))));
    if (!parts.length) parts.push(element("p", "hint", "Nothing yet. The more we talk, the more I'll know you."));
    $("memory").replaceChildren(...parts);
  } catch (err) {
    showError("memory-error", err.message);
  }
}

async function searchMemory(event) {
  event.preventDefault();
  const q = $("memory-q").value.trim();
  if (!q) { loadMemory(); return; }
  showError("memory-error", "");
  try {
    const { items } = await getJSON(`/api/memory/search?q=${encodeURIComponent(q)}`);
    $("memory").replaceChildren(items.length
      ? section(`What I remember about “${q}”`, items.map((item) => row(item.text, memoryLine(item))))
      : element("p", "hint", `Nothing I know matches “${q}”.`));
  } catch (err) {
    showError("memory-error", err.message);
  }
}

// Forgetting is two steps: first the plan (what would go), then, only once the person confirms, the deletion.
async function planForget(event) {
  event.preventDefault();
  const query = $("forget-q").value.trim();
  if (!query) return;
  showError("memory-error", "");
  try {
    const plan = await (await api("/api/memory/forget", { method: "POST", body: { query, confirm: false } })).json();
    showPlan(query, plan.items);
  } catch (err) {
    showError("memory-error", err.message);
  }
}

function showPlan(query, items) {
  const box = $("forget-plan");
  box.hidden = false;
  if (!items.length) {
    box.replaceChildren(element("p", "", `I don't remember anything about “${query}”.`));
    return;
  }
  const list = element("ul");
  list.append(...items.map((item) => row(item.text, memoryLine(item))));
  const yes = element("button", "danger", `Yes, forget ${items.length === 1 ? "it" : `these ${items.length}`}`);
  yes.type = "button";
  yes.id = "forget-confirm";
  yes.addEventListener("click", () => confirmForget(query));
  const no = element("button", "", "Keep it");
  no.type = "button";
  no.addEventListener("click", () => { box.hidden = true; $("forget-q").focus(); });
  const buttons = element("div", "row");
  buttons.append(yes, no);
  box.replaceChildren(element("p", "", `This is what I would forget, for good:`), list, buttons);
  yes.focus();
}

async function confirmForget(query) {
  try {
    const done = await (await api("/api/memory/forget", { method: "POST", body: { query, confirm: true } })).json();
    const n = done.forgotten;
    $("forget-plan").replaceChildren(element("p", "done", `Done. I've forgotten ${n} ${n === 1 ? "thing" : "things"}.`));
    $("forget-q").value = "";
    loadMemory();
  } catch (err) {
    showError("memory-error", err.message);
  }
}

// ---------- notices: reminders and alarms as they come due ----------

// One live channel per tab (GET /api/notifications, server-sent events); every tab of the person gets each
// reminder. The realtime socket says them out loud too: shown once, by id.
let notices = null; // AbortController of the channel while signed in
const shownNotices = new Set();
let heldNotices = []; // came while a reply was being written: shown after it, not in the middle of it

async function listenForNotices() {
  stopNotices();
  const controller = new AbortController();
  notices = controller;
  while (notices === controller && state.token) {
    try {
      const response = await fetch("/api/notifications", { headers: { Authorization: `Bearer ${state.token}` }, signal: controller.signal });
      if (response.status === 401) { signOut("That sign-in token wasn't accepted any more. Please sign in again."); return; }
      if (response.ok) for await (const event of sseEvents(response)) onNotice(event);
    } catch { /* dropped or stopped: see below */ }
    if (controller.signal.aborted) return;
    await new Promise((resolve) => setTimeout(resolve, NOTICES_RETRY_MS));
  }
}

function stopNotices() {
  notices?.abort();
  notices = null;
}

function onNotice(event) {
  if (event.type !== "reminder" || shownNotices.has(event.reminder_id)) return;
  shownNotices.add(event.reminder_id);
  if (state.busy || spoken) heldNotices.push(event);
  else addMessage("notice", event.text);
  if (window.Notification?.permission === "granted") {
    try {  // the same tag in every tab: the system shows it once
      new Notification("OS1", { body: event.text, tag: `os1-reminder-${event.reminder_id}` });
    } catch { /* some phones only notify from a service worker: the notice in the conversation is there */ }
  }
}

function showHeldNotices() {
  const held = heldNotices;
  heldNotices = [];
  for (const event of held) addMessage("notice", event.text);
}

// ---------- talking out loud ----------

let spoken = null; // the reply being spoken, shown as it is written
let lastSpoken = null; // the one before: a barge-in may cut its audio after its text was complete

function onVoiceEvent(event) {
  if (event.type === "reminder") { onNotice(event); return; }
  if (event.type === "heard") {
    addMessage("user", event.text, { voice: true });
    spoken = new Reply();
    return;
  }
  if (event.type === "turn_ended" && event.interrupted && !spoken && lastSpoken) {
    lastSpoken.end(event.text, true);
    return;
  }
  if (!spoken) {
    if (event.type === "status" && event.state === "loading") setVoiceState(event.detail);
    if (event.type === "error") showError("chat-error", event.message);
    return;
  }
  applyEvent(event, spoken);
  if (event.type === "turn_ended") {
    [lastSpoken, spoken] = [spoken, null];
    showHeldNotices();
  }
}

function onVoiceClose({ code, reason }) {
  endVoice();
  if (code === 4401) signOut("That sign-in token wasn't accepted. Please sign in again.");
  else if (code !== 1000) showError("chat-error", reason || "The voice connection dropped. Press the microphone to talk again.");
}

function setVoiceState(text) {
  $("voice-state").textContent = text || "";
  $("voice-state").hidden = !text;
}

function endVoice() {
  state.voice = null;
  spoken?.end("", false);
  spoken = lastSpoken = null;
  showHeldNotices();
  $("mic").setAttribute("aria-pressed", "false");
  $("mic").setAttribute("aria-label", "Talk out loud");
  setVoiceState("");
}

function stopVoice() {
  state.voice?.stop();
  if (state.voice) endVoice();
}

async function toggleVoice() {
  if (state.voice) { stopVoice(); return; }
  showError("chat-error", "");
  if (!navigator.mediaDevices?.getUserMedia || !window.AudioWorkletNode) {
    showError("chat-error", "This browser can't use the microphone here. Open OS1 over https (or on this computer) and try again.");
    return;
  }
  const voice = new VoiceLink({ token: state.token, conversationId: state.conversationId, onEvent: onVoiceEvent, onClose: onVoiceClose });
  state.voice = voice;
  $("mic").setAttribute("aria-pressed", "true");
  $("mic").setAttribute("aria-label", "Stop talking out loud");
  setVoiceState("Getting ready to listen…");
  try {
    const ready = await voice.start();
    state.conversationId = ready.conversation_id;
    setVoiceState("Listening — just talk. You can interrupt me any time.");
  } catch (err) {
    if (state.voice !== voice) return; // closed meanwhile: onVoiceClose said why
    voice.stop();
    endVoice();
    showError("chat-error", micProblem(err));
  }
}

function micProblem(err) {
  if (err.name === "NotAllowedError" || err.name === "SecurityError") {
    return "I need your permission to use the microphone. Allow it in the browser, then press the microphone again.";
  }
  if (err.name === "NotFoundError") return "I can't find a microphone. Plug one in and try again.";
  return err.message || "The microphone didn't start. Please try again.";
}

// ---------- wiring ----------

$("sign-in-form").addEventListener("submit", signIn);
$("sign-out").addEventListener("click", () => signOut(""));
$("composer").addEventListener("submit", send);
$("message").addEventListener("keydown", onKey);
$("message").addEventListener("input", autoGrow);
$("mic").addEventListener("click", toggleVoice);
$("new-conversation").addEventListener("click", newConversation);
$("history-search").addEventListener("submit", searchHistory);
$("memory-search").addEventListener("submit", searchMemory);
$("forget").addEventListener("submit", planForget);
setupLetters({ $, api, getJSON, element, showError, when });
for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => showView(tab.dataset.view));
if (state.token) enter();
else signOut("");
