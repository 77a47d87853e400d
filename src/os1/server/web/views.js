// The app's views (tabs). A new one (letters, music…) is one small module that calls `addView`: its tab and its
// section are made here if the page doesn't have them already.
const views = new Map(); // name → { section, load }

export function addView(name, { label, load = () => {}, build = null }) {
  let tab = document.querySelector(`.tab[data-view="${name}"]`);
  if (!tab) {
    tab = document.createElement("button");
    tab.type = "button";
    tab.className = "tab";
    tab.dataset.view = name;
    tab.textContent = label;
    document.querySelector(".tabs").append(tab);
  }
  let section = document.getElementById(`view-${name}`);
  if (!section) {
    section = document.createElement("section");
    section.id = `view-${name}`;
    section.className = "view";
    section.hidden = true;
    build?.(section);
    document.getElementById("main").append(section);
  }
  tab.addEventListener("click", () => showView(name));
  views.set(name, { section, load });
}

export function showView(name) {
  for (const tab of document.querySelectorAll(".tab")) {
    if (tab.dataset.view === name) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  for (const [other, view] of views) view.section.hidden = other !== name;
  views.get(name)?.load();
}
