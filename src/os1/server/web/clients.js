// The people the person writes for, each with what OS1 knows of them (their memory alone): added, told about, a
// note forgotten, or forgotten wholly with every letter written for them (after saying so).
import { api, element, getJSON, showError } from "./api.js";

const $ = (id) => document.getElementById(id);

export function setupClients() {
  $("add-client").addEventListener("submit", add);
}

export async function loadClients() {
  let clients;
  try {
    ({ clients } = await getJSON("/api/letters/clients"));
  } catch (err) {
    showError("letters-error", err.message);
    return;
  }
  $("clients-list").replaceChildren(...(clients.length ? clients.map(card)
    : [element("li", "hint", "Nobody yet. Add someone you write letters for.")]));
}

async function change(path, method, body) {
  showError("letters-error", "");
  try {
    await api(path, { method, body });
  } catch (err) {
    showError("letters-error", err.message);
  }
  await loadClients();
}

function card(c) {
  const li = element("li", "card client");
  li.append(element("h4", "", c.name));
  if (c.writes_to) li.append(element("p", "hint", `Writes to ${c.writes_to}`));
  const notes = element("ul", "notes");
  notes.setAttribute("aria-label", `What OS1 knows of ${c.name}`);
  for (const n of c.notes) {
    const item = element("li", "", n.text);
    const forget = element("button", "quiet small", "Forget");
    forget.type = "button";
    forget.setAttribute("aria-label", `Forget: ${n.text}`);
    forget.addEventListener("click", () => change(`/api/letters/clients/${c.id}/notes/${n.id}`, "DELETE"));
    item.append(" ", forget);
    notes.append(item);
  }
  if (!c.notes.length) notes.append(element("li", "hint", "Nothing yet."));
  const tell = element("form", "row");
  const label = element("label", "visually-hidden", `Tell OS1 about ${c.name}`);
  const input = element("input");
  input.id = `tell-${c.id}`;
  label.htmlFor = input.id;
  input.placeholder = `Tell me about ${c.name}…`;
  input.autocomplete = "off";
  const send = element("button", "", "Remember");
  send.type = "submit";
  tell.append(label, input, send);
  tell.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.value.trim()) change(`/api/letters/clients/${c.id}/notes`, "POST", { text: input.value.trim() });
  });
  const forgetAll = element("button", "quiet small", `Forget ${c.name}`);
  forgetAll.type = "button";
  forgetAll.addEventListener("click", () => {
    // The browser's own question: a plain, focused yes or no before anything goes.
    if (window.confirm(`Forget ${c.name}: everything OS1 knows of them, and every letter written for them?`)) {
      change(`/api/letters/clients/${c.id}`, "DELETE");
    }
  });
  li.append(notes, tell, forgetAll);
  return li;
}

async function add(event) {
  event.preventDefault();
  const name = $("client-name").value.trim();
  if (!name) { showError("letters-error", "Give their name."); return; }
  await change("/api/letters/clients", "POST", { name, writes_to: $("client-writes-to").value.trim() });
  $("client-name").value = "";
  $("client-writes-to").value = "";
}
