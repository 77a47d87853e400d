// The conversation on the Talk tab: messages (replies as safe Markdown), each with its time and what can be done
// with it (copy; for the last exchange, write the reply again or edit what was said), sending and stopping a
// reply, a message that could not be sent kept for another try, and the conversation brought back on return.
import { api, ApiError, button, element, getJSON, shortTime, sseEvents } from "./api.js";
import { render } from "./markdown.js";

const $ = (id) => document.getElementById(id);
const CONVERSATION_KEY = "os1.conversation"; // this tab's open conversation (sessionStorage: gone on sign-out)
const RESTORE_LIMIT = 200; // messages shown when a conversation is opened; the older ones are in History

export const chat = {
  conversationId: null,
  busy: false,
  waiting: "",
  stopper: null, // aborts the reply being written
  leaving: false, // the person said yes to leaving for good in this turn
  hooks: { afterTurn: () => {}, statusWaiting: (detail) => {}, setStatus: () => {}, leaving: () => {} },
};

export function setConversation(id) {
  chat.conversationId = id;
  if (id) sessionStorage.setItem(CONVERSATION_KEY, String(id));
  else sessionStorage.removeItem(CONVERSATION_KEY);
}

// ---------- following the conversation as it grows ----------

// The page follows new words only while the person is at the end; scrolled up to read, they stay where they are.
let pinned = true;
const nearEnd = () => window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 96;
window.addEventListener("scroll", () => { pinned = nearEnd(); }, { passive: true });

export function follow(force = false) {
  if ($("view-chat").hidden || !(force || pinned)) return;
  // The document's end: the composer's own place, so the newest message sits just above it, never under it.
  window.scrollTo({ top: document.documentElement.scrollHeight, behavior: "instant" });
  pinned = true;
}

// ---------- messages ----------

function timeOf(iso) {
  const date = iso ? new Date(iso) : new Date();
  const el = element("time", "", Number.isNaN(date.getTime()) ? "" : shortTime(date));
  if (!Number.isNaN(date.getTime())) {
    el.dateTime = date.toISOString();
    el.title = date.toLocaleString([], { dateStyle: "full", timeStyle: "short" });
  }
  return el;
}

class Turn {
  constructor(role, text, { time, voice = false, note = "" } = {}) {
    this.role = role;
    this.raw = text;
    this.root = element("article", `turn ${role}`);
    this.bubble = element("div", `msg ${role}${voice ? " voice" : ""}`);
    this.body = element("div", "body");
    this.bubble.append(this.body);
    this.root.append(this.bubble);
    if (role !== "notice") {
      this.note = element("span", "note", note);
      this.bubble.append(this.note);
      this.meta = element("footer", "meta");
      this.meta.append(timeOf(time));
      this.root.append(this.meta);
      this.root.setAttribute("aria-label", role === "user" ? "You said" : "OS1 said");
    } else if (note) {
      this.bubble.append(element("span", "note", note)); // why OS1 spoke up unasked
    }
    this.setText(text);
    $("chat-empty").hidden = true;
    $("messages").append(this.root);
  }

  setText(text) {
    this.raw = text;
    if (this.role === "assistant") this.body.replaceChildren(...render(text));
    else this.body.textContent = text;
  }

  say(note) { if (this.note) this.note.textContent = note; }

  actions(...buttons) { this.meta.append(...buttons); }
}

export function addMessage(role, text, options = {}) {
  const turn = new Turn(role, text, options);
  if (role === "assistant") turn.actions(copyButton(turn));
  if (role === "user") turn.actions(editButton(turn));
  if (role === "assistant") turn.actions(againButton(turn));
  markLatest();
  follow(role === "user");
  return turn;
}

function copyButton(turn) {
  const copy = button("Copy", async () => {
    await copyText(turn.raw);
    copy.textContent = "Copied";
    setTimeout(() => { copy.textContent = "Copy"; }, 1500);
  }, { className: "quiet small", label: "Copy this reply" });
  return copy;
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch { // no clipboard API (plain http on another host): the old way
    const area = element("textarea");
    area.value = text;
    area.setAttribute("aria-hidden", "true");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
}

// Only the last exchange can be redone: the reply written again, or what was said edited and said again.
function againButton(turn) {
  return button("Try again", () => regenerate(), { className: "quiet small last-only", label: "Write this reply again" });
}

function editButton(turn) {
  return button("Edit", () => startEditing(turn.raw), { className: "quiet small last-only", label: "Change what you said last" });
}

function markLatest() {
  const turns = [...$("messages").querySelectorAll(".turn")];
  for (const t of turns) t.classList.remove("latest");
  const lastUser = turns.findLast((t) => t.classList.contains("user"));
  const lastReply = turns.findLast((t) => t.classList.contains("assistant"));
  lastUser?.classList.add("latest");
  // "Try again" only on the reply to the last thing said.
  if (lastReply && lastUser && turns.indexOf(lastReply) > turns.indexOf(lastUser)) lastReply.classList.add("latest");
}

export function clearMessages() {
  $("messages").replaceChildren($("chat-empty"));
  $("chat-empty").hidden = false;
  stopEditing();
}

// A reply being written: its text grows as deltas arrive; a note under it says what is happening.
export class Reply {
  constructor() {
    this.turn = addMessage("assistant", "");
    this.el = this.turn.bubble;
    this.el.classList.add("streaming");
    this.failed = "";
    const cursor = element("span", "cursor"); // drawn by CSS while the reply is being written
    cursor.setAttribute("aria-hidden", "true");
    this.turn.body.after(cursor);
    this.cursor = cursor;
    // While it is written, screen readers wait (aria-busy) and then read the whole reply once.
    $("messages").setAttribute("aria-busy", "true");
  }

  get text() { return this.turn.raw; }
  get writing() { return this.el.classList.contains("streaming"); }
  append(delta) { this.turn.setText(this.turn.raw + delta); this.say(""); follow(); }
  say(note) { this.turn.say(note); follow(); }

  done() {
    this.el.classList.remove("streaming");
    this.cursor.remove();
    $("messages").setAttribute("aria-busy", "false");
    follow();
  }

  end(text, interrupted, why = "(interrupted)") {
    if (text && !this.text.trim()) this.turn.setText(text);
    this.done();
    this.say(interrupted ? why : "");
  }

  fail(message) {
    this.failed = message;
    this.done();
    this.turn.note.classList.add("error");
    this.say(message);
  }

  remove() { this.done(); this.turn.root.remove(); markLatest(); }
}

// What an event means for the reply on screen: the same for typed turns (SSE) and spoken ones (the socket).
export function applyEvent(event, reply) {
  switch (event.type) {
    case "turn_started": setConversation(event.conversation_id); break;
    case "status":
      chat.waiting = event.state === "waiting" ? event.detail : "";
      if (chat.waiting) chat.hooks.statusWaiting(chat.waiting);
      if (event.state === "waiting" || event.state === "loading") reply.say(event.detail);
      if (event.state === "thinking") reply.say("");
      break;
    case "text_delta": reply.append(event.text); break;
    case "music": addPiece(reply, event); break;
    case "leaving": chat.leaving = true; break; // after this reply: the way to leave, with the archive first
    case "turn_ended": chat.waiting = ""; reply.end(event.text, event.interrupted); nameNewPieces(); break;
    case "error": chat.waiting = ""; reply.fail(event.message); break;
    default: break;
  }
}

// ---------- sending ----------

// Pieces shown before their title was chosen, by id: named when the turn ends (the reply has said the title).
const unnamed = new Map();

async function nameNewPieces() {
  if (!unnamed.size) return;
  try {
    const { pieces } = await getJSON("/api/music");
    for (const p of pieces) {
      const shown = unnamed.get(p.id);
      if (!shown) continue;
      shown.caption.textContent = `♪ ${p.title} (${shown.length})`;
      shown.player.setAttribute("aria-label", `Play ${p.title}`);
      unnamed.delete(p.id);
    }
  } catch { /* the caption keeps "a new piece"; the reply names it */ }
}

// A piece composed in this turn: a player under the reply. Its sound is fetched with the sign-in token (an
// <audio> element can't send one) and starts at once; the controls are there if the browser wants a click first.
async function addPiece(reply, event) {
  const figure = element("figure", "piece");
  const total = Math.round(event.seconds);
  const length = `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
  const named = event.title || "a new piece"; // composed at once: its title is chosen while it plays
  const caption = element("figcaption", "", `♪ ${named} (${length})`);
  figure.append(caption);
  const player = document.createElement("audio");
  player.controls = true;
  player.preload = "auto";
  player.setAttribute("aria-label", `Play ${named}`);
  if (!event.title) unnamed.set(event.piece_id, { caption, player, length });
  figure.append(player);
  reply.turn.root.after(figure);
  follow();
  try {
    const blob = await (await api(`/api/music/${event.piece_id}/audio`)).blob();
    player.src = URL.createObjectURL(blob);
    player.play().catch(() => {});
  } catch (err) {
    figure.append(element("span", "note error", err.message));
  }
}

function setBusy(busy) {
  chat.busy = busy;
  $("send").hidden = busy;
  $("stop").hidden = !busy;
  $("messages").classList.toggle("writing", busy);
}

export async function send(text, { takeBack = false } = {}) {
  if (!text || chat.busy) return;
  const stopper = new AbortController();
  chat.stopper = stopper;
  setBusy(true);
  let said = null;
  let reply = null;
  try {
    if (takeBack) await takeBackLast();
    said = addMessage("user", text);
    reply = new Reply();
    const response = await api("/api/chat", { method: "POST", signal: stopper.signal,
                                              body: { text, conversation_id: chat.conversationId } });
    for await (const ev of sseEvents(response)) applyEvent(ev, reply);
    if (reply.writing) reply.end("", false);
    if (reply.failed && !reply.text.trim()) unsent(said, reply, text, reply.failed);
  } catch (err) {
    if (err.name === "AbortError") {
      reply?.end("", true, stopper.signal.aborted ? "(stopped)" : "(interrupted)");
    } else if (said && reply && !reply.text.trim()) {
      unsent(said, reply, text, err.message);
    } else if (reply) {
      reply.fail(err.message);
    } else {
      keepText(text);
      showProblem(err.message);
    }
  } finally {
    chat.stopper = null;
    chat.waiting = "";
    setBusy(false);
    markLatest();
    chat.hooks.afterTurn();
  }
}

export function stop() { chat.stopper?.abort(); }

function keepText(text) {
  const box = $("message");
  if (!box.value.trim()) { box.value = text; box.dispatchEvent(new Event("input")); }
}

function showProblem(message) {
  const box = $("chat-error");
  box.replaceChildren(element("span", "", message));
  box.hidden = false;
}

// Not sent: what was said stays on screen, marked, with a way to send it again; it is back in the box too.
function unsent(said, reply, text, message) {
  reply.remove();
  said.root.classList.add("unsent");
  said.say("Not sent.");
  const problem = element("div", "problem");
  problem.setAttribute("role", "alert");
  problem.append(element("span", "", message), button("Send again", () => {
    said.root.remove();
    problem.remove();
    if ($("message").value.trim() === text) { $("message").value = ""; $("message").dispatchEvent(new Event("input")); }
    send(text);
  }, { className: "primary small" }));
  said.root.append(problem);
  keepText(text);
  follow(true);
}

// The last thing said and its reply go (on the server too: forgotten for good) before it is said again.
async function takeBackLast() {
  if (!chat.conversationId) throw new ApiError("There is nothing to take back yet.");
  await api(`/api/conversations/${chat.conversationId}/take-back`, { method: "POST" });
  const turns = [...$("messages").querySelectorAll(".turn")];
  const lastUser = turns.findLastIndex((t) => t.classList.contains("user"));
  for (const t of turns.slice(lastUser)) if (!t.classList.contains("notice")) t.remove();
}

function regenerate() {
  const lastUser = [...$("messages").querySelectorAll(".turn.user")].pop();
  const text = lastUser?.querySelector(".body")?.textContent;
  if (text) send(text, { takeBack: true });
}

// ---------- editing the last message ----------

let editing = false;

function startEditing(text) {
  editing = true;
  const box = $("message");
  box.value = text;
  box.dispatchEvent(new Event("input"));
  $("editing").hidden = false;
  box.focus();
  box.setSelectionRange(text.length, text.length);
}

export function stopEditing() {
  editing = false;
  $("editing").hidden = true;
}

// The composer's send: a new message, or the last one edited.
export function submit() {
  const box = $("message");
  const text = box.value.trim();
  if (!text || chat.busy) return;
  $("chat-error").hidden = true;
  const takeBack = editing;
  stopEditing();
  box.value = "";
  box.dispatchEvent(new Event("input"));
  send(text, { takeBack });
}

// ---------- opening a conversation ----------

export function showMessages(messages) {
  clearMessages();
  for (const m of messages) {
    if (m.reminder || m.reach_out) { addMessage("notice", m.text); continue; }
    if (m.role !== "user" && m.role !== "assistant") continue;
    // cut_off: the server stopped mid-reply; what had been shown of it was kept.
    const note = m.cut_off ? "(cut off: the server stopped)" : m.status === "interrupted" ? "(interrupted)" : "";
    addMessage(m.role, m.text, { time: m.time, note });
  }
  markLatest();
}

export async function openConversation(id) {
  const { messages } = await getJSON(`/api/conversations/${id}/messages?limit=${RESTORE_LIMIT}`);
  setConversation(id);
  showMessages(messages);
}

// On sign-in or reload: the conversation this tab had open, else the latest; shown at its end.
export async function restore() {
  const kept = Number(sessionStorage.getItem(CONVERSATION_KEY)) || null;
  try {
    if (kept) { await openConversation(kept); return; }
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 404) throw err;
    setConversation(null);
  }
  const { conversations } = await getJSON("/api/conversations?limit=1");
  if (conversations.length) await openConversation(conversations[0].id);
}
