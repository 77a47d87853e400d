// History: the person's conversations, a new one, and a search through everything said.
import { element, getJSON, postJSON, showError, when } from "./api.js";
import { memoryLine } from "./memory.js";

const $ = (id) => document.getElementById(id);

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

export function wireHistory({ open, created }) {
  async function load() {
    showError("history-error", "");
    try {
      const { conversations } = await getJSON("/api/conversations");
      const items = conversations.map((c) => listItem(
        c.title || c.first_words || "A quiet conversation",
        [when(c.updated), `${c.messages} ${c.messages === 1 ? "message" : "messages"}`].filter(Boolean).join(" · "),
        c.title ? c.first_words : "",
        () => open(c.id),
      ));
      $("conversations").replaceChildren(...(items.length ? items : [placeholder("No conversations yet. Say hello!")]));
    } catch (err) {
      showError("history-error", err.message);
    }
  }

  async function search(event) {
    event.preventDefault();
    const q = $("history-q").value.trim();
    showError("history-error", "");
    if (!q) { $("found").hidden = true; return; }
    try {
      const { items } = await getJSON(`/api/memory/search?q=${encodeURIComponent(q)}`);
      const found = items.map((item) => listItem(item.text, memoryLine(item), "", () => {
        if (item.conversation_id != null) open(item.conversation_id);
      }));
      $("search-results").replaceChildren(...(found.length ? found : [placeholder(`Nothing found for “${q}”.`)]));
      $("found").hidden = false;
    } catch (err) {
      showError("history-error", err.message);
    }
  }

  async function fresh() {
    try {
      created((await postJSON("/api/conversations", {})).id);
    } catch (err) {
      showError("history-error", err.message);
    }
  }

  $("history-search").addEventListener("submit", search);
  $("new-conversation").addEventListener("click", fresh);
  return load;
}
