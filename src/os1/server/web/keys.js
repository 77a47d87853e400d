// Keyboard shortcuts, for the whole app (they are listed in Settings). Enter sends and Esc stops a reply in the
// message box; the space bar talks while push-to-talk is on (voicebar.js).
const $ = (id) => document.getElementById(id);

function typing(event) {
  return event.target.closest?.("input, textarea, select, [contenteditable]");
}

export function setupKeys({ newConversation, findConversation, showView }) {
  document.addEventListener("keydown", (event) => {
    if ($("app")?.hidden !== false || document.querySelector("dialog[open]")) return;
    const mod = event.ctrlKey || event.metaKey;
    if (mod && !event.shiftKey && event.key.toLowerCase() === "k") {
      event.preventDefault();
      findConversation();
    } else if (event.altKey && event.shiftKey && event.code === "KeyN") {
      event.preventDefault();
      newConversation();
    } else if (event.key === "/" && !mod && !typing(event)) {
      event.preventDefault();
      showView("chat");
      $("message").focus();
    }
  });
}
