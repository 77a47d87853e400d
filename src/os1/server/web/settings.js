// The Settings view: the person's own voice, look, quiet hours, check-ins and good morning (the same settings the
// conversation changes); the export of everything; and leaving for good (archive first, then the goodbye and the
// deletion, with proof). The look is applied as soon as the person is in, before they open this view.
import { api, ask, element, getJSON, showError } from "./api.js";

const $ = (id) => document.getElementById(id);
let current = null; // the settings as the server last gave them
let archiveSha = null; // the farewell archive this person holds (its SHA-256), once taken
let left = () => {}; // what the app does once the person has left: set in setupSettings

export function applyTheme(theme) {
  document.documentElement.dataset.theme = ["light", "dark"].includes(theme) ? theme : "system";
}

// Once signed in: their look, and what the voice picker needs. A failure leaves the defaults.
export async function settingsOnEnter() {
  try {
    current = await getJSON("/api/settings");
    applyTheme(current.theme);
  } catch { /* the status line says why the server can't be reached */ }
}

export function setupSettings({ onLeft }) {
  left = onLeft;
  $("settings-form").addEventListener("submit", save);
  for (const radio of document.querySelectorAll('input[name="theme"]')) {
    radio.addEventListener("change", () => applyTheme(radio.value)); // seen at once; kept on Save
  }
  // Only a voice picked here is kept: saving the look must not quietly choose the default voice for them.
  $("set-voice").addEventListener("change", () => { $("set-voice").dataset.touched = "1"; });
  $("export").addEventListener("click", exportAll);
  $("leave-archive").addEventListener("click", takeArchive);
  $("leave-sure").addEventListener("change", () => { $("leave-go").disabled = !$("leave-sure").checked; });
  $("leave-go").addEventListener("click", leave);
}

export async function loadSettings() {
  showError("settings-error", "");
  $("settings-saved").textContent = "";
  try {
    current = await getJSON("/api/settings");
  } catch (err) {
    showError("settings-error", err.message);
    return;
  }
  fill(current);
}

function fill(s) {
  const voices = s.voices.map((v) => {
    const option = element("option", "", v.label + (v.default ? " (default)" : ""));
    option.value = v.id;
    return option;
  });
  $("set-voice").replaceChildren(...voices);
  $("set-voice").value = s.voice ?? s.voices.find((v) => v.default)?.id ?? s.voices[0]?.id ?? "";
  $("set-voice").disabled = !voices.length;
  $("set-voice").dataset.touched = "";
  for (const radio of document.querySelectorAll('input[name="theme"]')) radio.checked = radio.value === s.theme;
  applyTheme(s.theme);
  $("set-quiet").value = s.quiet_hours ?? "";
  $("set-check-ins").checked = s.check_ins;
  $("set-morning").value = s.good_morning ?? "";
  $("set-model").textContent = `OS1 thinks with ${s.model} on this server.`;
}

async function save(event) {
  event.preventDefault();
  showError("settings-error", "");
  $("settings-saved").textContent = "";
  const theme = document.querySelector('input[name="theme"]:checked')?.value;
  const wanted = {
    voice: $("set-voice").dataset.touched ? $("set-voice").value || null : null,
    theme,
    quiet_hours: $("set-quiet").value.trim(),
    check_ins: $("set-check-ins").checked,
    good_morning: $("set-morning").value,
  };
  const change = {};
  for (const [key, value] of Object.entries(wanted)) {
    const before = current?.[key] ?? (key === "voice" ? null : "");
    if (value !== null && value !== undefined && value !== before) change[key] = value;
  }
  if (!Object.keys(change).length) { $("settings-saved").textContent = "Nothing changed."; return; }
  try {
    current = await (await api("/api/settings", { method: "PATCH", body: change })).json();
  } catch (err) {
    showError("settings-error", err.message);
    return;
  }
  fill(current);
  $("settings-saved").textContent = "Saved.";
}

// ---------- the voice, chosen at the first spoken conversation ----------

// The voice to start talking with: the one chosen before, else — the first time — the person picks, as one does
// with a new companion. Resolves to the voice id (kept as their setting; null: the server's default), or false
// if they chose not to talk now.
export async function voiceToTalkWith() {
  if (!current) await settingsOnEnter();
  if (!current || current.voice || current.voices.length < 2) return current?.voice ?? null;
  const choices = current.voices.map((v) => {
    const row = element("div", "choice");
    const radio = element("input");
    radio.type = "radio";
    radio.name = "voice";
    radio.value = v.id;
    radio.id = `pick-${v.id}`;
    radio.checked = v.default;
    const label = element("label", "", v.label);
    label.htmlFor = radio.id;
    row.append(radio, label);
    return row;
  });
  const { answer, form } = await ask({
    className: "voice-pick", title: "How should I sound?",
    body: [element("p", "hint", "You can change it later in Settings."), ...choices],
    buttons: [{ text: "Start talking", value: "start", className: "primary" }, { text: "Not now", value: "cancel" }],
  });
  const picked = form.querySelector('input[name="voice"]:checked')?.value;
  if (answer !== "start") return false;
  if (!picked) return null;
  try {
    current = await (await api("/api/settings", { method: "PATCH", body: { voice: picked } })).json();
  } catch { /* the voice connection keeps the choice as well */ }
  return picked;
}

// ---------- export and leaving ----------

async function download(response, fallback) {
  const blob = await response.blob();
  const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  const link = element("a");
  link.href = URL.createObjectURL(blob);
  link.download = named ? named[1] : fallback;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60000);
}

async function exportAll() {
  showError("export-error", "");
  $("export").disabled = true;
  try {
    await download(await api("/api/export"), "os1-export.zip");
  } catch (err) {
    showError("export-error", err.message);
  } finally {
    $("export").disabled = false;
  }
}

async function takeArchive() {
  showError("leave-error", "");
  $("leave-archive").disabled = true;
  $("leave-archived").textContent = "Putting it together…";
  try {
    const response = await api("/api/farewell/archive", { method: "POST" });
    archiveSha = response.headers.get("X-OS1-Archive-SHA256");
    await download(response, "os1-farewell.zip");
    $("leave-archived").textContent = "It's yours: check it is in your downloads.";
    $("leave-sure").disabled = false;
  } catch (err) {
    $("leave-archived").textContent = "";
    showError("leave-error", err.message);
  } finally {
    $("leave-archive").disabled = false;
  }
}

async function leave() {
  showError("leave-error", "");
  if (!archiveSha || !$("leave-sure").checked) return;
  $("leave-go").disabled = true;
  $("leave-archived").textContent = "Saying goodbye…";
  try {
    const result = await (await api("/api/farewell", { method: "POST", body: { archive_sha256: archiveSha } })).json();
    left(result);
  } catch (err) {
    $("leave-archived").textContent = "";
    $("leave-go").disabled = false;
    showError("leave-error", err.message);
  }
}

// Asked in conversation to leave for good: the way to do it, here.
export function showLeaving() {
  $("leave").scrollIntoView({ block: "start" });
  $("leave-archive").focus();
}
