// OS1 web app: sign in, talk (typed or out loud), read history, see and prune what OS1 knows.
// Plain JS modules, no build step. Whatever the server sends is shown as text or as DOM built node by node
// (markdown.js): none of it becomes markup.
//
// A shared screen: signing out leaves nothing of the person behind — their token and everything this tab kept
// are wiped, every request and stream of theirs is stopped, and the page is loaded afresh, so that no word of
// theirs survives in the page for the next person.
import {
  CANT_REACH, TOKEN_KEY, api, element, endSession, getJSON, hooks, problem, session, showError, sseEvents, when,
} from "./api.js";
import {
  addMessage, applyEvent, chat, follow, openConversation, Reply, restore, setConversation, showMessages, stop, stopEditing,
  submit,
} from "./chat.js";
import { wireHistory } from "./history.js";
import { loadMemory, wireMemory } from "./memory.js";
import { addView, showView } from "./views.js";
import { setupBook } from "./book.js";
import { setupClients } from "./clients.js";
import { setupDesk, showPanel } from "./letterdesk.js";
import { currentLetter, loadLetters, openLetter, setupLetters } from "./letters.js";
import { loadReminders } from "./reminders.js";
import { setupKeys } from "./keys.js";
import { findConversation, newConversation, refreshSidebar, setupSidebar } from "./sidebar.js";
import { loadSettings, settingsOnEnter, setupSettings, showLeaving, voiceToTalkWith } from "./settings.js";
import { VoiceLink } from "./voice.js";
import { hideVoiceBar, setupVoiceBar, showVoiceBar, voiceHooks } from "./voicebar.js";

const SIGNED_OUT_KEY = "os1.signedOut"; // sessionStorage, across the reload: why the sign-in page shows
// Often enough to notice a change soon; rarely enough that a household of thousands doesn't keep the server
// busy answering it. A hidden tab doesn't ask at all, and asks at once when it is shown again.
const STATUS_EVERY_MS = 15000;
const NOTICES_RETRY_MS = 5000; // the live channel dropped (a restart, a proxy's timeout): listen again after this
document.addEventListener("visibilitychange", () => { if (!document.hidden) pollStatus(); });

const $ = (id) => document.getElementById(id);

// ---------- signing in and out ----------

// Everything of this person's session stops and goes: streams, requests, the page's words, storage, caches.
async function endEverything() {
  stopVoice();
  clearTimeout(statusTimer);
  stopNotices();
  stop();
  endSession();
  $("app").remove(); // at once
  $("person").textContent = "";
  localStorage.clear();
  sessionStorage.clear();
  try { for (const key of await caches.keys()) await caches.delete(key); } catch { /* no Cache API here */ }
}

async function signOut(message) {
  if (leftForGood) return; // their goodbye stays on screen until the page is closed
  await endEverything();
  sessionStorage.setItem(SIGNED_OUT_KEY, message || "");
  location.replace(location.pathname); // loaded afresh: nothing of theirs survives in the page
}
hooks.unauthorized = signOut;

// They left for good: their token is gone with everything else. What stays on screen is the goodbye and the
// proof, until the page is closed or loaded again.
let leftForGood = false;
async function afterFarewell({ goodbye, proof }) {
  leftForGood = true;
  await endEverything();
  $("who").hidden = true;
  setStatus("unknown", "Everything of yours is deleted");
  const card = element("section", "card goodbye");
  card.setAttribute("aria-labelledby", "goodbye-title");
  const title = element("h2", "", "Goodbye");
  title.id = "goodbye-title";
  card.append(title, element("blockquote", "", goodbye), element("p", "proof", proof.lines.join("\n")),
    element("p", "hint", "You can close this page. Your archive can be brought back with `os1 memory import`."));
  document.body.append(card);
  title.tabIndex = -1;
  title.focus();
}

function showSignIn() {
  const why = sessionStorage.getItem(SIGNED_OUT_KEY);
  sessionStorage.removeItem(SIGNED_OUT_KEY);
  $("sign-in-title").textContent = why === null ? "Welcome to OS1" : "You're signed out";
  $("sign-in").hidden = false;
  $("app").hidden = true;
  $("who").hidden = true;
  showError("sign-in-error", why || "");
  setStatus("unknown", why === null ? "Not signed in" : "Signed out");
  $("token").focus();
}

async function signIn(event) {
  event.preventDefault();
  const token = $("token").value.trim();
  if (!token) { showError("sign-in-error", "Paste your sign-in token first."); return; }
  try {
    const response = await fetch("/api/status", { headers: { Authorization: `Bearer ${token}` }, cache: "no-store" });
    if (response.status === 401) { showError("sign-in-error", "That token isn't one I know. Check it and try again."); return; }
    if (!response.ok) { showError("sign-in-error", await problem(response)); return; }
  } catch {
    showError("sign-in-error", CANT_REACH);
    return;
  }
  $("token").value = "";
  session.token = token;
  localStorage.setItem(TOKEN_KEY, token);
  // Asked here, while the person is clicking: a reminder can then reach them when this tab is out of sight.
  if (window.Notification?.permission === "default") Notification.requestPermission().catch(() => {});
  enter();
}

async function enter() {
  $("sign-in").hidden = true;
  $("app").hidden = false;
  $("who").hidden = false;
  showView("chat");
  settingsOnEnter(); // their look, as soon as they are in
  pollStatus();
  try {
    await restore();
  } catch (err) {
    if (err.name !== "AbortError") showError("chat-error", err.message);
  }
  follow(true);
  refreshSidebar();
  listenForNotices(); // after the conversation is shown: a reminder waiting for this person comes under it
  $("message").focus();
}

// ---------- the status line: is my companion there? ----------

function describeStatus(status) {
  const queue = Number(status.queue) || 0;
  switch (status.model?.state) {
    case "loading": return ["loading", "Loading the model…"];
    case "down": return ["down", "The server is up, but can't reach the model"];
    case "busy":
      if (chat.waiting) return waitingStatus(chat.waiting);
      return ["busy", queue ? `Busy — ${queue} waiting` : "Busy — replying"];
    case "ready": return ["ready", "Ready"];
    default: return ["unknown", "Connecting…"];
  }
}

// Announced maintenance, on the status line until it begins: " · Away for maintenance Sat 14:00".
function maintenanceNote(maintenance) {
  if (!maintenance?.length) return "";
  const starts = new Date(maintenance[0].starts);
  const when = starts.toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" });
  return ` · Away for maintenance ${when} (${maintenance[0].notice})`;
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
  if (!session.token || document.hidden) return;
  try {
    const response = await fetch("/api/status", { headers: { Authorization: `Bearer ${session.token}` },
                                                   cache: "no-store", signal: session.controller.signal });
    if (response.status === 401) { signOut("That sign-in token wasn't accepted any more. Please sign in again."); return; }
    if (!response.ok) setStatus("offline", `The OS1 server has a problem (${response.status})`);
    else {
      const status = await response.json();
      const [kind, text] = describeStatus(status);
      setStatus(kind, text + maintenanceNote(status.maintenance));
      $("person").textContent = status.person || "";
    }
  } catch (err) {
    if (err.name === "AbortError") return;
    setStatus("offline", "Can't reach the OS1 server");
  }
  statusTimer = setTimeout(pollStatus, STATUS_EVERY_MS);
}

// ---------- the composer ----------

function autoGrow() {
  const box = $("message");
  box.style.height = "auto";
  // scrollHeight leaves the borders out; with border-box sizing they must be added, or a scrollbar shows.
  const borders = box.offsetHeight - box.clientHeight;
  box.style.height = `${Math.min(box.scrollHeight + borders, window.innerHeight * 0.4)}px`;
}

function onKey(event) {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
  if (event.key === "Escape") {
    if (chat.busy) stop();
    else if (!$("editing").hidden) cancelEditing();
  }
}

function cancelEditing() {
  stopEditing();
  $("message").value = "";
  autoGrow();
  $("message").focus();
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
  while (notices === controller && session.token) {
    try {
      const response = await fetch("/api/notifications", { headers: { Authorization: `Bearer ${session.token}` },
                                                           cache: "no-store", signal: AbortSignal.any([controller.signal, session.controller.signal]) });
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

// A reminder, or a reach-out (a follow-up, a check-in, a maintenance notice: the companion speaking up unasked).
function onNotice(event) {
  const key = event.type === "reminder" ? `reminder-${event.reminder_id}`
    : event.kind === "first_meeting" ? `meeting-${shownNotices.size}` // each of its lines is new
    : event.type === "reach_out" ? `reach-${event.reach_id}` : null;
  if (key === null || shownNotices.has(key)) return;
  shownNotices.add(key);
  if (chat.busy || spoken) heldNotices.push(event);
  else showNotice(event);
  if (window.Notification?.permission === "granted") {
    try {  // the same tag in every tab: the system shows it once
      new Notification("OS1", { body: event.text, tag: `os1-${key}` });
    } catch { /* some phones only notify from a service worker: the notice in the conversation is there */ }
  }
}

function showHeldNotices() {
  const held = heldNotices;
  heldNotices = [];
  for (const event of held) showNotice(event);
}

function showNotice(event) {
  // Not a reply: no "Try again" on it. Why it spoke up goes under it.
  addMessage("notice", event.text, event.type === "reach_out" ? { note: event.reason } : {});
}

// Said yes to leaving for good: the Settings page takes them through it (archive first).
function leaveIfAsked() {
  if (!chat.leaving) return false;
  chat.leaving = false;
  chat.hooks.leaving();
  return true;
}

chat.hooks.afterTurn = () => {
  showHeldNotices();
  refreshSidebar(); // the conversation moved to the top, or its first words are new
  if (leaveIfAsked()) return;
  $("message").focus();
  pollStatus(); // the line said "in line…" or "replying": look again now, not at the next regular look
};
chat.hooks.statusWaiting = (detail) => setStatus(...waitingStatus(detail));

// ---------- talking out loud ----------

let voice = null;
let spoken = null; // the reply being spoken, shown as it is written
let lastSpoken = null; // the one before: a barge-in may cut its audio after its text was complete

function onVoiceEvent(event) {
  if (event.type === "reminder" || event.type === "reach_out") { onNotice(event); return; }
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
    leaveIfAsked();
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
  voice = null;
  spoken?.end("", false);
  spoken = lastSpoken = null;
  showHeldNotices();
  $("mic").setAttribute("aria-pressed", "false");
  $("mic").setAttribute("aria-label", "Talk out loud");
  setVoiceState("");
  hideVoiceBar();
}

function stopVoice() {
  voice?.stop();
  if (voice) endVoice();
}

async function toggleVoice() {
  if (voice) { stopVoice(); return; }
  showError("chat-error", "");
  if (!navigator.mediaDevices?.getUserMedia || !window.AudioWorkletNode) {
    showError("chat-error", "This browser can't use the microphone here. Open OS1 over https (or on this computer) and try again.");
    return;
  }
  const voiceId = await voiceToTalkWith(); // picked by the person the first time
  if (voiceId === false || voice) return; // "not now", or pressed twice while the picker was open
  const link = new VoiceLink({ token: session.token, conversationId: chat.conversationId, voice: voiceId,
                               onEvent: onVoiceEvent, onClose: onVoiceClose, ...voiceHooks });
  voice = link;
  showVoiceBar(link);
  $("mic").setAttribute("aria-pressed", "true");
  $("mic").setAttribute("aria-label", "Stop talking out loud");
  setVoiceState("Getting ready to listen…");
  try {
    const ready = await link.start();
    setConversation(ready.conversation_id);
    voiceHooks.onState(link.state || "listening");
  } catch (err) {
    if (voice !== link) return; // closed meanwhile: onVoiceClose said why
    link.stop();
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

// ---------- views ----------

async function openFromHistory(id) {
  stopVoice();
  try {
    await openConversation(id);
    showView("chat");
    follow(true); // at its end: where the conversation goes on
    $("message").focus();
  } catch (err) {
    showError("history-error", err.message);
  }
}

function startedAfresh(id) {
  stopVoice();
  setConversation(id);
  showMessages([]);
  showView("chat");
  refreshSidebar();
  $("message").focus();
}

const loadHistory = wireHistory({ open: openFromHistory, created: startedAfresh });
setupSidebar({
  open: async (id) => { await openFromHistory(id); refreshSidebar(); },
  created: startedAfresh,
  current: () => chat.conversationId,
  // The open one deleted: the latest left is shown, or none.
  deleted: async (id) => {
    if (id !== chat.conversationId) return;
    stopVoice();
    setConversation(null);
    showMessages([]);
    try { await restore(); } catch (err) { if (err.name !== "AbortError") showError("chat-error", err.message); }
    refreshSidebar();
  },
  search: (q) => {
    showView("history");
    $("history-q").value = q;
    $("history-search").requestSubmit();
  },
});
addView("chat", { label: "Talk", load: () => follow(true) });
addView("history", { label: "History", load: loadHistory });
addView("memory", { label: "What OS1 knows about me", load: loadMemory });
wireMemory();
addView("reminders", { label: "Reminders", load: loadReminders });
addView("letters", { label: "Letters", load: () => showPanel("letters-desk") });
setupLetters({ $, api, getJSON, element, showError, when });
setupDesk({ letters: loadLetters, open: openLetter, current: currentLetter });
setupClients();
setupBook();
addView("settings", { label: "Settings", load: loadSettings });
setupSettings({ onLeft: afterFarewell });
chat.hooks.leaving = () => { showView("settings"); showLeaving(); };

// ---------- wiring ----------

$("sign-in-form").addEventListener("submit", signIn);
$("sign-out").addEventListener("click", () => signOut(""));
$("composer").addEventListener("submit", (event) => { event.preventDefault(); submit(); });
$("stop").addEventListener("click", stop);
$("cancel-edit").addEventListener("click", cancelEditing);
$("message").addEventListener("keydown", onKey);
$("message").addEventListener("input", autoGrow);
$("mic").addEventListener("click", toggleVoice);
setupVoiceBar(setVoiceState);
setupKeys({ newConversation, findConversation, showView });
// The offline shell (sw.js): the app opens without the network, and says it can't reach the server.
if (window.isSecureContext) navigator.serviceWorker?.register("sw.js").catch(() => {});
if (session.token) enter();
else showSignIn();
