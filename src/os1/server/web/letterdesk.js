// Writing at the Letters view: a letter from a brief (for a client, in their voice), a letter of one's own brought
// in, a letter revised as asked; and the sub-views (letters, clients, book). Writing takes the model in its turn
// and can take minutes on a small machine: the form says so while it waits.
import { api, element, getJSON, showError } from "./api.js";
import { loadClients } from "./clients.js";
import { loadBook } from "./book.js";

const $ = (id) => document.getElementById(id);
let hooks = { letters: () => {}, open: (id) => {}, current: () => null };

export function setupDesk(given) {
  hooks = { ...hooks, ...given };
  for (const tab of document.querySelectorAll(".subtab")) tab.addEventListener("click", () => showPanel(tab.dataset.panel));
  $("write-letter").addEventListener("submit", write);
  $("own-letter").addEventListener("submit", bringIn);
  $("revise-letter").addEventListener("submit", revise);
}

export function showPanel(name) {
  for (const tab of document.querySelectorAll(".subtab")) tab.setAttribute("aria-pressed", String(tab.dataset.panel === name));
  for (const panel of document.querySelectorAll("#view-letters .panel")) panel.hidden = panel.id !== name;
  showError("letters-error", "");
  if (name === "letters-desk") { hooks.letters(); fillClients(); }
  if (name === "letters-clients") loadClients();
  if (name === "letters-book") loadBook();
}

export async function fillClients() {
  try {
    const { clients } = await getJSON("/api/letters/clients");
    const keep = $("brief-client").value;
    $("brief-client").replaceChildren($("brief-client").options[0], ...clients.map((c) => {
      const option = element("option", "", c.writes_to ? `${c.name} (to ${c.writes_to})` : c.name);
      option.value = c.name;
      return option;
    }));
    $("brief-client").value = keep;
  } catch (err) {
    showError("letters-error", err.message);
  }
}

async function busy(button, note, work) {
  button.disabled = true;
  $("writing").textContent = note;
  showError("letters-error", "");
  try {
    return await work();
  } catch (err) {
    showError("letters-error", err.message);
    return null;
  } finally {
    button.disabled = false;
    $("writing").textContent = "";
  }
}

async function write(event) {
  event.preventDefault();
  const brief = $("brief").value.trim();
  if (!brief) { showError("letters-error", "Say who the letter is to, the occasion, and what to tell."); return; }
  const button = $("write-letter").querySelector("button[type=submit]");
  const letter = await busy(button, "Writing… this can take a few minutes.", async () =>
    (await api("/api/letters", { method: "POST", body: { brief, client: $("brief-client").value || null } })).json());
  if (!letter) return;
  $("brief").value = "";
  await hooks.open(letter.id);
}

async function bringIn(event) {
  event.preventDefault();
  const body = { sender: $("own-sender").value.trim(), recipient: $("own-recipient").value.trim(),
                 text: $("own-text").value.trim() };
  if (!body.sender || !body.recipient || !body.text) {
    showError("letters-error", "Fill in who it is from, who it is to, and the letter.");
    return;
  }
  const letter = await busy($("own-letter").querySelector("button"), "", async () =>
    (await api("/api/letters/own", { method: "POST", body })).json());
  if (!letter) return;
  for (const id of ["own-sender", "own-recipient", "own-text"]) $(id).value = "";
  $("own-letter").closest("details").open = false;
  await hooks.open(letter.id);
}

async function revise(event) {
  event.preventDefault();
  const instruction = $("revise-how").value.trim();
  const id = hooks.current();
  if (!instruction || id === null) return;
  const letter = await busy($("revise-letter").querySelector("button"), "Rewriting… this can take a few minutes.",
    async () => (await api(`/api/letters/${id}/revise`, { method: "POST", body: { instruction } })).json());
  if (!letter) return;
  $("revise-how").value = "";
  await hooks.open(letter.id);
}
