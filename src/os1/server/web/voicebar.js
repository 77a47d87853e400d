// The bar under a spoken conversation: how loud the microphone hears you, what the companion is doing (listening,
// thinking, speaking), a Stop button while it speaks, and push-to-talk (a button, or the space bar, held while
// you talk) instead of hands-free. It drives the VoiceLink it is given; the choice of mode stays on this device.
const $ = (id) => document.getElementById(id);
const PTT_KEY = "os1.pushToTalk";
let link = null;

const SAID = {
  listening: () => (link?.pushToTalk ? "Listening while you hold the button (or the space bar)."
    : "Listening — just talk. You can interrupt me any time."),
  thinking: () => "Thinking…",
  speaking: () => "Speaking — talk over me, or press Stop, to interrupt.",
};

export function setupVoiceBar(setLine) {
  $("ptt").addEventListener("change", () => {
    localStorage.setItem(PTT_KEY, $("ptt").checked ? "1" : "");
    if (link) { link.pushToTalk = $("ptt").checked; link.release(); }
    $("hold").hidden = !$("ptt").checked;
    if (link?.state) setLine(SAID[link.state]());
  });
  $("interrupt").addEventListener("click", () => link?.interrupt());
  const hold = $("hold");
  hold.addEventListener("pointerdown", (event) => { event.preventDefault(); press(); });
  for (const end of ["pointerup", "pointerleave", "pointercancel"]) hold.addEventListener(end, () => release());
  hold.addEventListener("keydown", (event) => {
    if ((event.key === " " || event.key === "Enter") && !event.repeat) { event.preventDefault(); press(); }
  });
  hold.addEventListener("keyup", (event) => { if (event.key === " " || event.key === "Enter") release(); });
  // The space bar anywhere but in a text field, while push-to-talk is on.
  document.addEventListener("keydown", (event) => {
    if (event.key === " " && !event.repeat && usable(event)) { event.preventDefault(); press(); }
  });
  document.addEventListener("keyup", (event) => { if (event.key === " " && usable(event)) release(); });
  barSetLine = setLine;
}

let barSetLine = () => {};

function usable(event) {
  return link?.pushToTalk && !event.target.closest?.("input, textarea, select, button, [contenteditable]");
}

function press() {
  if (!link?.pushToTalk) return;
  link.press();
  $("hold").setAttribute("aria-pressed", "true");
  $("hold").textContent = "Talking… release when done";
}

function release() {
  if (!link?.holding) return;
  link.release();
  $("hold").setAttribute("aria-pressed", "false");
  $("hold").textContent = "Hold to talk";
}

// Hooks for the VoiceLink: its state and the microphone's level.
export const voiceHooks = {
  onState: (state) => {
    $("interrupt").hidden = state !== "speaking";
    $("voice-bar").dataset.state = state;
    barSetLine(SAID[state]());
  },
  onLevel: (level) => { $("mic-level").value = level; },
};

export function showVoiceBar(voiceLink) {
  link = voiceLink;
  link.pushToTalk = localStorage.getItem(PTT_KEY) === "1";
  $("ptt").checked = link.pushToTalk;
  $("hold").hidden = !link.pushToTalk;
  $("voice-bar").hidden = false;
}

export function hideVoiceBar() {
  link = null;
  $("voice-bar").hidden = true;
  $("interrupt").hidden = true;
  $("mic-level").value = 0;
  delete $("voice-bar").dataset.state;
}
