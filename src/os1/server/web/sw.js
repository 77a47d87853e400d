// The offline shell: the app's own files are kept so that it opens without the network (and says it can't reach
// the server) and loads fast. Nothing anyone says is ever kept here: /api/ and /v1/ go to the network only, and
// signing out deletes this cache too (it is filled again on the next visit).
const SHELL = "os1-shell-v1";
const FILES = [
  "./", "index.html", "style.css", "app.js", "api.js", "chat.js", "history.js", "letters.js", "markdown.js",
  "memory.js", "reminders.js", "settings.js", "sidebar.js", "keys.js", "views.js", "voice.js", "voicebar.js",
  "letterdesk.js", "clients.js", "book.js",
  "mic-worklet.js", "manifest.webmanifest", "icon.svg", "icon-192.png", "icon-512.png",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("os1-shell-") && k !== SHELL).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// The network first, so a new version shows at once; the kept copy only when the network fails.
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin || /^\/(api|v1)\//.test(url.pathname)) return;
  event.respondWith(fetch(event.request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(SHELL).then((cache) => cache.put(event.request, copy)).catch(() => {});
    }
    return response;
  }).catch(async () => (await caches.match(event.request, { ignoreSearch: true }))
    || (event.request.mode === "navigate" ? caches.match("index.html") : Response.error())));
});
