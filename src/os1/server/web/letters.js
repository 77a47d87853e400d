// The Letters view: your letters, each with its versions; proofread one and accept or reject each suggestion
// (never applied on its own); open it written by hand. Whatever the server sends is shown with textContent.
let ui = null; // { $, api, getJSON, element, showError, when }
let current = null; // the letter open now

export function setupLetters(helpers) {
  ui = helpers;
  ui.$("letters-back").addEventListener("click", () => loadLetters());
  ui.$("letter-proofread").addEventListener("click", () => proofread());
  ui.$("letter-handwritten").addEventListener("click", () => handwritten());
}

export function currentLetter() { return current?.id ?? null; }

export async function loadLetters() {
  const { $, getJSON, element, showError } = ui;
  showError("letters-error", "");
  $("letter").hidden = true;
  $("letters-list").hidden = false;
  $("write-letter").hidden = false;
  $("write-letter").nextElementSibling.hidden = false;
  try {
    const { letters } = await getJSON("/api/letters");
    const items = letters.map((x) => {
      const button = element("button");
      button.type = "button";
      button.append(element("span", "title", x.title),
        element("span", "meta", `${x.words} words · version ${x.version}`));
      button.addEventListener("click", () => openLetter(x.id));
      const li = element("li");
      li.append(button);
      return li;
    });
    $("letters-list").replaceChildren(...(items.length ? items
      : [element("li", "hint", "No letters yet. Ask in Talk: “write a birthday letter to …”")]));
  } catch (err) {
    showError("letters-error", err.message);
  }
}

export async function openLetter(id) {
  const { $, getJSON, element, showError, when } = ui;
  showError("letters-error", "");
  try {
    current = await getJSON(`/api/letters/${id}`);
  } catch (err) {
    showError("letters-error", err.message);
    return;
  }
  $("letters-list").hidden = true;
  $("write-letter").hidden = true;
  $("write-letter").nextElementSibling.hidden = true; // bringing one in
  $("letter").hidden = false;
  $("letter-title").textContent = `${current.title} — version ${current.version}`;
  $("letter-text").textContent = current.text;
  $("letter-versions").replaceChildren(...current.versions.map((v) => {
    const li = element("li", "", `Version ${v.number}: ${v.note || "—"}`);
    li.append(element("span", "when", when(v.created_at)));
    return li;
  }));
  showSuggestions(current.suggestions.filter((s) => s.status === "open"));
}

function showSuggestions(suggestions) {
  const { $, element } = ui;
  const items = suggestions.map((s) => {
    const li = element("li", `suggestion ${s.kind}`);
    const change = element("p", "change");
    change.append(element("span", "kind", s.kind), " ", element("del", "", s.original),
      " → ", element("ins", "", s.replacement || "(cut)"));
    const accept = element("button", "primary", "Accept");
    const reject = element("button", "", "Reject");
    accept.type = reject.type = "button";
    accept.addEventListener("click", () => decide(s.id, true));
    reject.addEventListener("click", () => decide(s.id, false));
    const actions = element("div", "row");
    actions.append(accept, reject);
    li.append(change, element("p", "why", s.message), actions);
    return li;
  });
  $("suggestions").replaceChildren(...items);
  $("suggestions-title").hidden = !items.length;
}

async function proofread() {
  const { $, api, showError } = ui;
  showError("letters-error", "");
  try {
    const { suggestions } = await (await api(`/api/letters/${current.id}/proofread`, { method: "POST" })).json();
    showSuggestions(suggestions);
    if (!suggestions.length) showError("letters-error", "Nothing to change: I read it closely.");
  } catch (err) {
    showError("letters-error", err.message);
  }
}

async function decide(id, accept) {
  const { api, showError } = ui;
  showError("letters-error", "");
  try {
    await api(`/api/letters/suggestions/${id}`, { method: "POST", body: { accept } });
    const open = [...ui.$("suggestions").querySelectorAll("li")].length - 1;
    await openLetter(current.id);
    if (!open) ui.$("suggestions-title").hidden = true;
  } catch (err) {
    showError("letters-error", err.message);
  }
}

async function handwritten() {
  const { $, api, showError } = ui;
  showError("letters-error", "");
  try {
    const hand = $("letter-hand").value;
    const blob = await (await api(`/api/letters/${current.id}/handwritten?hand=${encodeURIComponent(hand)}`)).blob();
    window.open(URL.createObjectURL(blob), "_blank");
  } catch (err) {
    showError("letters-error", err.message);
  }
}
