// Multaqa check-in desk: the service worker that keeps the desk page, its script, styles, sounds and
// fonts loading with no network once the desk was opened. It caches the addresses the page itself
// reports (the page reads them from what it loaded, so versioned or renamed files need no change here).
// The page: from the network within 1.5 s, else its last copy; the static files: from the cache,
// refreshed in the background. Scans, rosters and uploads always go to the network.
"use strict";

const CACHE = "multaqa-desk-v1";
const STATIC_PREFIX = {{ static_prefix|tojson }};
const PAGE_TIMEOUT_MS = 1500;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

// The page sends what it loaded: {cache: [urls]}; {wipe: true} empties the cache (signing out).
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.wipe) {
    event.waitUntil(caches.delete(CACHE));
    return;
  }
  if (Array.isArray(data.cache)) {
    event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(data.cache.map(
      (url) => fetch(url, { credentials: "same-origin" })
        .then((response) => (response.ok && response.status === 200 ? cache.put(url, response) : null))
        .catch(() => null),
    ))).then(() => {
      if (event.source) {
        event.source.postMessage({ cached: data.cache.length });
      }
    }));
  }
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, (error) => { clearTimeout(timer); reject(error); });
  });
}

async function page(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await withTimeout(fetch(request), PAGE_TIMEOUT_MS);
    if (response.status < 500) {
      if (response.ok) {
        cache.put(request, response.clone());
      }
      return response;
    }
  } catch (error) {
    // no network, or no answer in time: the last copy below
  }
  const copy = await cache.match(request);
  return copy || Response.error();
}

async function asset(request) {
  const cache = await caches.open(CACHE);
  const copy = await cache.match(request.url, { ignoreVary: true });
  const fresh = fetch(request.url, { credentials: "same-origin" }).then((response) => {
    if (response.ok && response.status === 200) {
      cache.put(request.url, response.clone());
    }
    return response;
  });
  if (copy) {
    fresh.catch(() => null);
    return copy;
  }
  return fresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(asset(request));
  }
});
