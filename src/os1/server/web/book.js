// The book of the person's best letters: OS1's proposal with its reasons, the choice edited (add, move, take out),
// its title and author, and the book typeset as a PDF.
import { api, element, getJSON, showError } from "./api.js";

const $ = (id) => document.getElementById(id);
let book = null; // as the server last gave it; `chosen` is edited here until saved
let chosen = [];

export function setupBook() {
  $("book-form").addEventListener("submit", save);
  $("book-pdf").addEventListener("click", openPdf);
  $("book-use-proposal").addEventListener("click", () => {
    chosen = book.proposal.map((p) => ({ id: p.id, title: p.title, words: p.words }));
    showChosen();
  });
}

export async function loadBook() {
  try {
    book = await getJSON("/api/letters/book");
  } catch (err) {
    showError("letters-error", err.message);
    return;
  }
  $("book-title").value = book.title;
  $("book-author").value = book.author;
  $("book-saved").textContent = "";
  chosen = book.letters.slice();
  showChosen();
  $("book-proposal").replaceChildren(...(book.proposal.length ? book.proposal.map((p) => {
    const li = element("li", "", `${p.title} (${p.words} words) — ${p.reasons.join("; ")}`);
    const add = element("button", "quiet small", "Add");
    add.type = "button";
    add.setAttribute("aria-label", `Add to the book: ${p.title}`);
    add.addEventListener("click", () => {
      if (!chosen.some((x) => x.id === p.id)) chosen.push({ id: p.id, title: p.title, words: p.words });
      showChosen();
    });
    li.append(" ", add);
    return li;
  }) : [element("li", "hint", "No letters yet.")]));
}

function showChosen() {
  $("book-saved").textContent = "";
  $("book-chosen").replaceChildren(...(chosen.length ? chosen.map((x, n) => {
    const li = element("li", "", `${x.title} (${x.words} words) `);
    for (const [label, move] of [["Up", -1], ["Down", 1]]) {
      const b = element("button", "quiet small", label);
      b.type = "button";
      b.disabled = n + move < 0 || n + move >= chosen.length;
      b.setAttribute("aria-label", `Move ${label.toLowerCase()}: ${x.title}`);
      b.addEventListener("click", () => {
        [chosen[n], chosen[n + move]] = [chosen[n + move], chosen[n]];
        showChosen();
      });
      li.append(b);
    }
    const out = element("button", "quiet small", "Take out");
    out.type = "button";
    out.setAttribute("aria-label", `Take out: ${x.title}`);
    out.addEventListener("click", () => { chosen.splice(n, 1); showChosen(); });
    li.append(out);
    return li;
  }) : [element("li", "hint", "Nothing chosen yet: add letters from the proposal below.")]));
}

async function save(event) {
  event.preventDefault();
  showError("letters-error", "");
  try {
    await api("/api/letters/book", { method: "PUT", body: {
      title: $("book-title").value.trim(), author: $("book-author").value.trim(), letter_ids: chosen.map((x) => x.id) } });
  } catch (err) {
    showError("letters-error", err.message);
    return;
  }
  await loadBook();
  $("book-saved").textContent = "Saved.";
}

async function openPdf() {
  showError("letters-error", "");
  try {
    const blob = await (await api("/api/letters/book/pdf")).blob();
    window.open(URL.createObjectURL(blob), "_blank");
  } catch (err) {
    showError("letters-error", err.message);
  }
}
