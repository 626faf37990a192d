// The technician app's service worker, served at /sw.js by the edge (hub/edge/pwa.py) so that
// its scope may be the whole site.
//
// - The app's shell (/m/, its scripts, styles, icons and the texts' catalogue) is kept when the
//   worker is installed and whenever it is loaded; every /m/ address opens it without a
//   connection.
// - What the app reads (GET /api/…, asked by a page under /m/) comes from the network when there
//   is one and is kept; without a connection the kept answer is used. So a day and the threads
//   opened (or fetched ahead by the day) before going offline are there.
// - Nothing is written here: what the technician writes offline waits in the page's outbox
//   (web/static/m/outbox.js), which sends it when the connection returns.
// - Everything kept of the hub's answers is dropped when someone logs in or out, or changes
//   organisation, so the next person on the phone sees none of it.
// - Web Push: a push shows a notification ({title, body, url, tag}); tapping it opens the address
//   in the app.

const VERSION = "1";
const SHELL = `hub-shell-${VERSION}`;
const DATA = "hub-data";
const SHELL_PAGE = "/m/";
const ICON = "/static/pwa/icon-192.png";
const PRECACHE = [
  SHELL_PAGE,
  "/manifest.webmanifest",
  "/static/m/app.js",
  "/static/m/case.js",
  "/static/m/data.js",
  "/static/m/day.js",
  "/static/m/outbox.js",
  "/static/m/push.js",
  "/static/m/m.css",
  "/static/js/api.js",
  "/static/js/boot.js",
  "/static/js/dom.js",
  "/static/js/i18n.js",
  "/static/js/live.js",
  "/static/js/router.js",
  "/static/js/tabs.js",
  "/static/js/thread.js",
  "/static/js/ui.js",
  "/static/css/app.css",
  "/static/css/booking.css",
  "/static/icon.svg",
  "/static/pwa/icon-192.png",
  "/static/pwa/icon-512.png",
  "/static/pwa/icon-maskable-512.png",
];
// Requests that change who is logged in, or where: what was kept belongs to someone else after.
const SESSION_CHANGES = [
  ["POST", "/login/"],
  ["POST", "/logout/"],
  ["POST", "/api/session"],
  ["DELETE", "/api/session"],
  ["POST", "/api/me/organization"],
];
const KEEP = /^\/(static|jsi18n)\//;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      // One by one: a file that cannot be had now (the page, logged out) is kept later instead.
      await Promise.all(PRECACHE.map((url) => keep(cache, url)));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("hub-shell-") && name !== SHELL) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

// The page tells what it loaded before the worker could see it (the catalogue's address, say).
self.addEventListener("message", (event) => {
  if (event.data?.type !== "keep" || !Array.isArray(event.data.urls)) return;
  const urls = event.data.urls.filter((url) => typeof url === "string" && KEEP.test(url));
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      await Promise.all(urls.map(async (url) => (await cache.match(url)) || keep(cache, url)));
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    if (SESSION_CHANGES.some(([method, path]) => method === request.method && path === url.pathname)) {
      event.waitUntil(forget());
    }
    return;
  }
  if (request.mode === "navigate") {
    if (url.pathname.startsWith("/m/")) event.respondWith(page(event));
    return;
  }
  if (url.pathname.startsWith("/api/")) {
    if (fromApp(request)) event.respondWith(networkFirst(event, DATA));
    return;
  }
  if (KEEP.test(url.pathname) || url.pathname === "/manifest.webmanifest") {
    event.respondWith(networkFirst(event, SHELL));
  }
});

/** Asked by a page of the technician app (the staff app's requests are left alone). */
function fromApp(request) {
  try {
    return new URL(request.referrer).pathname.startsWith("/m/");
  } catch {
    return false;
  }
}

/** A good answer is kept; a failure, an error or a redirect (to the login) is not. */
function good(response) {
  return response.ok && response.type === "basic" && !response.redirected;
}

async function keep(cache, url) {
  try {
    const response = await fetch(new Request(url, { cache: "no-cache", credentials: "same-origin" }));
    if (good(response)) await cache.put(url, response);
  } catch {
    // Not now; the page's next load through the worker keeps it.
  }
}

async function forget() {
  await caches.delete(DATA);
  const shell = await caches.open(SHELL);
  await shell.delete(SHELL_PAGE);
}

/** The network's answer, kept when it is good; the kept one when the network fails. */
async function networkFirst(event, cacheName) {
  const request = event.request;
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const kept = await caches.match(request, { ignoreVary: true });
    if (kept) return kept;
    throw error;
  }
  if (good(response)) {
    const copy = response.clone();
    event.waitUntil(caches.open(cacheName).then((cache) => cache.put(request, copy)));
  } else if (response.status === 401) {
    await forget();
  }
  return response;
}

/** Every /m/ address is the same shell: the newest one had is kept under /m/. */
async function page(event) {
  let response;
  try {
    response = await fetch(event.request);
  } catch (error) {
    const kept = await caches.match(SHELL_PAGE, { ignoreVary: true });
    if (kept) return kept;
    throw error;
  }
  if (good(response)) {
    const copy = response.clone();
    event.waitUntil(caches.open(SHELL).then((cache) => cache.put(SHELL_PAGE, copy)));
  }
  return response;
}

// ---------------------------------------------------------------- Web Push

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { body: event.data ? event.data.text() : "" };
  }
  const options = { body: data.body || "", icon: ICON, badge: ICON, data: { url: data.url || SHELL_PAGE } };
  if (data.tag) Object.assign(options, { tag: data.tag, renotify: true });
  event.waitUntil(self.registration.showNotification(data.title || "", options));
});

/** Where a tap leads: a case opens in the app; another address of the hub as it is. */
function target(address) {
  const url = new URL(address || SHELL_PAGE, self.location.origin);
  if (url.origin !== self.location.origin) return new URL(SHELL_PAGE, self.location.origin);
  const staffCase = url.pathname.match(/^\/cases\/(\d+)\/$/);
  if (staffCase) return new URL(`/m/cases/${staffCase[1]}/${url.search}${url.hash}`, self.location.origin);
  return url;
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = target(event.notification.data?.url);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const same = windows.find((client) => client.url === url.href);
      if (same) return same.focus();
      const app = windows.find((client) => new URL(client.url).pathname.startsWith("/m/"));
      if (app) {
        await app.focus();
        return app.navigate(url.href);
      }
      return self.clients.openWindow(url.href);
    })(),
  );
});

// The browser renewed the subscription: the hub is told the new one (the CSRF token from the
// cookie, as the pages send it).
self.addEventListener("pushsubscriptionchange", (event) => {
  const subscription = event.newSubscription;
  if (!subscription || !self.cookieStore) return;
  event.waitUntil(
    (async () => {
      const token = (await self.cookieStore.get("csrftoken"))?.value || "";
      const { endpoint, keys } = subscription.toJSON();
      await fetch("/api/push/subscriptions", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } }),
      });
    })(),
  );
});
