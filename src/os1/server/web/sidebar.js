// The conversations sidebar: every conversation of the person, the one open marked; a new one, a title given or
// changed in place, one deleted for good after saying what goes with it; a filter as you type (Enter searches
// everything said, in History). A drawer on narrow screens, a column beside the conversation on wide ones.
import { api, ask, element, getJSON, postJSON, showError, when } from "./api.js";

const $ = (id) => document.getElementById(id);
const WIDE = window.matchMedia("(min-width: 1300px)");
let hooks = { open: (id) => {}, created: (id) => {}, current: () => null, deleted: (id) => {}, search: (q) => {} };
let listed = []; // the conversations as last fetched
let drawerOpen = false;

export function setupSidebar(given) {
  hooks = { ...hooks, ...given };
  $("conversations-toggle").addEventListener("click", () => setDrawer(!drawerOpen));
  $("sidebar-close").addEventListener("click", () => { setDrawer(false); $("conversations-toggle").focus(); });
  $("sidebar-new").addEventListener("click", fresh);
  $("side-q").addEventListener("input", () => show());
  $("side-q").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && $("side-q").value.trim()) {
      event.preventDefault();
      setDrawer(false);
      hooks.search($("side-q").value.trim());
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && drawerOpen && !event.target.closest?.(".renaming") && !document.querySelector("dialog[open]")) {
      setDrawer(false);
      $("conversations-toggle").focus();
    }
  });
  WIDE.addEventListener("change", layout);
  layout();
}

function layout() {
  document.body.classList.toggle("with-sidebar", WIDE.matches);
  $("sidebar").hidden = !(WIDE.matches || drawerOpen);
  $("sidebar").classList.toggle("drawer", !WIDE.matches);
  $("conversations-toggle").hidden = WIDE.matches;
  $("sidebar-close").hidden = WIDE.matches;
}

export function setDrawer(open) {
  drawerOpen = open;
  $("conversations-toggle").setAttribute("aria-expanded", String(open));
  layout();
  if (open) {
    refreshSidebar();
    $("side-q").focus();
  }
}

export async function refreshSidebar() {
  if ($("sidebar").hidden) return;
  showError("sidebar-error", "");
  try {
    ({ conversations: listed } = await getJSON("/api/conversations?limit=200"));
  } catch (err) {
    if (err.name !== "AbortError") showError("sidebar-error", err.message);
    return;
  }
  show();
}

function titleOf(c) { return c.title || c.first_words || "A quiet conversation"; }

function show() {
  const q = $("side-q").value.trim().toLowerCase();
  const shown = listed.filter((c) => !q || `${c.title || ""} ${c.first_words}`.toLowerCase().includes(q));
  const items = shown.map(item);
  if (!items.length) {
    items.push(element("li", "hint", q ? `No title or first words with “${q}”. Press Enter to search everything said.`
      : "No conversations yet. Say hello!"));
  }
  $("side-list").replaceChildren(...items);
}

function item(c) {
  const li = element("li", "side-item");
  const open = element("button", "open");
  open.type = "button";
  open.append(element("span", "title", titleOf(c)), element("span", "meta", when(c.updated)));
  if (c.id === hooks.current()) open.setAttribute("aria-current", "true");
  open.addEventListener("click", () => { setDrawer(false); hooks.open(c.id); });
  const rename = element("button", "quiet small", "Rename");
  rename.type = "button";
  rename.setAttribute("aria-label", `Rename “${titleOf(c)}”`);
  rename.addEventListener("click", () => startRename(li, c));
  const remove = element("button", "quiet small", "Delete");
  remove.type = "button";
  remove.setAttribute("aria-label", `Delete “${titleOf(c)}”`);
  remove.addEventListener("click", () => confirmDelete(c, remove));
  const actions = element("div", "side-actions");
  actions.append(rename, remove);
  li.append(open, actions);
  return li;
}

function startRename(li, c) {
  const form = element("form", "renaming");
  const label = element("label", "visually-hidden", "New title");
  const input = element("input");
  input.id = `rename-${c.id}`;
  label.htmlFor = input.id;
  input.value = c.title || "";
  input.placeholder = c.first_words || "A title";
  input.maxLength = 200;
  const save = element("button", "small", "Save");
  save.type = "submit";
  form.append(label, input, save);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const renamed = await (await api(`/api/conversations/${c.id}`, { method: "PATCH", body: { title: input.value } })).json();
      c.title = renamed.title;
      show();
    } catch (err) {
      showError("sidebar-error", err.message);
    }
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); show(); }
  });
  li.replaceChildren(form);
  input.focus();
  input.select();
}

// Deleting says first what goes with it, and "Keep it" has the focus.
async function confirmDelete(c, opener) {
  const messages = `${c.messages} ${c.messages === 1 ? "message" : "messages"}`;
  const { answer } = await ask({
    className: "confirm", title: `Delete “${titleOf(c)}”?`,
    body: [element("p", "", `Its ${messages} go for good, with what OS1 learned from them and its summaries of them.`),
           element("p", "hint", "What OS1 has come to know of you in general stays. To have it forget a topic " +
             "everywhere, use “What OS1 knows about me”.")],
    buttons: [{ text: "Keep it", value: "keep", className: "primary" },
              { text: "Delete for good", value: "delete", className: "danger" }],
    focus: "keep",
  });
  if (answer !== "delete") { opener.focus(); return; }
  try {
    await api(`/api/conversations/${c.id}`, { method: "DELETE" });
  } catch (err) {
    showError("sidebar-error", err.message);
    return;
  }
  listed = listed.filter((x) => x.id !== c.id);
  show();
  hooks.deleted(c.id);
  $("sidebar-new").focus();
}

// Ctrl+K: where conversations are found.
export function findConversation() {
  if (WIDE.matches) $("side-q").focus();
  else setDrawer(true);
}

export async function newConversation() { await fresh(); }

async function fresh() {
  showError("sidebar-error", "");
  try {
    const made = await postJSON("/api/conversations", {});
    setDrawer(false);
    hooks.created(made.id);
    refreshSidebar();
  } catch (err) {
    showError("sidebar-error", err.message);
  }
}
