// The Reminders view: what is still to come (soonest first), each with Cancel; what was said or cancelled
// lately, a cancelled one with "Bring back" while it has not come due. Set in conversation; listed here.
import { api, element, getJSON, showError } from "./api.js";

const $ = (id) => document.getElementById(id);

function at(iso) {
  const date = new Date(iso);
  return date.toLocaleString([], { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

function row(reminder, action) {
  const li = element("li", reminder.alarm ? "reminder alarm" : "reminder");
  const what = element("span", "title", `${reminder.alarm ? "⏰ Alarm: " : ""}${reminder.text}`);
  const state = reminder.cancelled ? `cancelled · was for ${at(reminder.due)}`
    : reminder.said ? `said ${at(reminder.said)}` : at(reminder.due);
  li.append(what, element("span", "meta", state));
  if (action) li.append(action);
  return li;
}

function change(reminder, cancelled) {
  const label = cancelled ? "Cancel" : "Bring back";
  const b = element("button", "quiet small", label);
  b.type = "button";
  b.setAttribute("aria-label", `${label}: ${reminder.text}`);
  b.addEventListener("click", async () => {
    showError("reminders-error", "");
    try {
      await api(`/api/reminders/${reminder.id}/cancel`, { method: "POST", body: { cancelled } });
    } catch (err) {
      showError("reminders-error", err.message);
    }
    await loadReminders();
  });
  return b;
}

export async function loadReminders() {
  showError("reminders-error", "");
  let got;
  try {
    got = await getJSON("/api/reminders");
  } catch (err) {
    showError("reminders-error", err.message);
    return;
  }
  const now = Date.now();
  const waiting = got.waiting.map((r) => row(r, change(r, true)));
  const past = got.past.map((r) => row(r, r.cancelled && new Date(r.due).getTime() > now ? change(r, false) : null));
  $("reminders-waiting").replaceChildren(...(waiting.length ? waiting : [element("li", "hint", "Nothing to come.")]));
  $("reminders-past").replaceChildren(...(past.length ? past : [element("li", "hint", "Nothing yet.")]));
}
