// "What OS1 knows about me": the profile and facts, a search, and forgetting — one item at a time, or chosen from
// what matches a few words. Nothing goes before the person has picked it and confirmed.
import { button, element, getJSON, postJSON, showError, when } from "./api.js";

const $ = (id) => document.getElementById(id);
const SAID_BY = { user: "You said", assistant: "OS1 said" };
const KIND = { fact: "Something I know", summary: "From a conversation's summary", message: "" };

export function memoryLine(item) {
  return [SAID_BY[item.role] || KIND[item.kind] || "", when(item.time)].filter(Boolean).join(" · ");
}

function section(title, rows) {
  const box = element("section");
  const list = element("ul");
  list.append(...rows);
  box.append(element("h3", "", title), list);
  return box;
}

function row(text, aside) {
  const li = element("li");
  li.append(element("span", "text", text));
  if (aside) li.append(element("span", "when", aside));
  return li;
}

// A fact with its own "Forget" (asks first, right there).
function factRow(fact) {
  const li = row(fact.text, when(fact.learned));
  const ask = button("Forget", () => {
    const yes = button("Yes, forget it", () => forgetChosen(fact.text, [{ kind: "fact", id: fact.id }]),
                       { className: "danger small" });
    const no = button("Keep it", () => { confirm.remove(); ask.hidden = false; ask.focus(); }, { className: "small" });
    const confirm = element("span", "confirm");
    confirm.append(element("span", "", "Forget this for good?"), yes, no);
    ask.hidden = true;
    li.append(confirm);
    no.focus(); // the safe choice has the focus
  }, { className: "quiet small", label: `Forget: ${fact.text}` });
  li.append(ask);
  return li;
}

export async function loadMemory() {
  showError("memory-error", "");
  try {
    const { profile, facts } = await getJSON("/api/memory");
    const parts = [];
    if (profile.length) parts.push(section("About you", profile.map((p) => row(`${p.label}: ${p.text}`))));
    if (facts.length) parts.push(section("Things you've told me", facts.map(factRow)));
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

// Forgetting by words is two steps: what matches (each with a box to tick), then, once confirmed, only the ticked.
async function planForget(event) {
  event.preventDefault();
  const query = $("forget-q").value.trim();
  if (!query) return;
  showError("memory-error", "");
  try {
    const plan = await postJSON("/api/memory/forget", { query, confirm: false });
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
  const list = element("ul", "choices");
  const boxes = items.map((item, n) => {
    const tick = element("input");
    tick.type = "checkbox";
    tick.id = `forget-item-${n}`;
    const label = element("label");
    label.htmlFor = tick.id;
    label.append(element("span", "text", item.text), element("span", "when", memoryLine(item)));
    const li = element("li");
    li.append(tick, label);
    list.append(li);
    return [tick, item];
  });
  const yes = button("Forget the ones ticked", () => {
    const chosen = boxes.filter(([tick]) => tick.checked).map(([, item]) => ({ kind: item.kind, id: item.id }));
    forgetChosen(query, chosen);
  }, { className: "danger" });
  yes.id = "forget-confirm";
  yes.disabled = true;
  const count = () => {
    const n = boxes.filter(([tick]) => tick.checked).length;
    yes.disabled = n === 0;
    yes.textContent = n ? `Forget ${n === 1 ? "this one" : `these ${n}`}, for good` : "Forget the ones ticked";
  };
  list.addEventListener("change", count);
  const all = button("Tick all", () => { for (const [tick] of boxes) tick.checked = true; count(); }, { className: "small" });
  const no = button("Keep everything", () => { box.hidden = true; $("forget-q").focus(); });
  const buttons = element("div", "row");
  buttons.append(yes, no, all);
  const lead = element("p", "", "This is what matches. Tick what should go; the rest stays.");
  lead.id = "forget-lead";
  lead.tabIndex = -1;
  box.replaceChildren(lead, list, buttons);
  lead.focus(); // not the destructive button
}

async function forgetChosen(query, items) {
  if (!items.length) return;
  showError("memory-error", "");
  try {
    const done = await postJSON("/api/memory/forget", { query, confirm: true, items });
    const n = done.forgotten;
    $("forget-plan").hidden = false;
    $("forget-plan").replaceChildren(element("p", "done", `Done. I've forgotten ${n} ${n === 1 ? "thing" : "things"}.`));
    $("forget-q").value = "";
    loadMemory();
  } catch (err) {
    showError("memory-error", err.message);
  }
}

export function wireMemory() {
  $("memory-search").addEventListener("submit", searchMemory);
  $("forget").addEventListener("submit", planForget);
}
