// Multaqa check-in desk, offline: the roster of the list kept in IndexedDB (refreshed every few
// minutes), answers from it when the server does not answer, every scan queued with its nonce and
// time until the server takes it back (sync), conflicts shown, everything wiped when the desk is
// closed, when another agent signs in, on signing out and after the forum.
"use strict";

(function (global) {
  const DB_NAME = "multaqa-desk";
  const REFRESH_MS = 3 * 60 * 1000;
  const SYNC_MS = 15 * 1000;
  const BATCH = 200;

  function request(idbRequest) {
    return new Promise((resolve, reject) => {
      idbRequest.onsuccess = () => resolve(idbRequest.result);
      idbRequest.onerror = () => reject(idbRequest.error);
    });
  }

  function openDb() {
    const opening = indexedDB.open(DB_NAME, 1);
    opening.onupgradeneeded = () => {
      const db = opening.result;
      db.createObjectStore("roster");    // list id -> roster
      db.createObjectStore("queue", { keyPath: "nonce" });
      db.createObjectStore("admitted");  // "<list>:<registration>" -> {at, desk}
    };
    return request(opening);
  }

  async function store(name, mode) {
    const db = await openDb();
    return db.transaction(name, mode).objectStore(name);
  }
  async function get(name, key) { return request((await store(name, "readonly")).get(key)); }
  async function put(name, value, key) { return request((await store(name, "readwrite")).put(value, key)); }
  async function all(name) { return request((await store(name, "readonly")).getAll()); }
  async function remove(name, key) { return request((await store(name, "readwrite")).delete(key)); }
  async function clear(name) { return request((await store(name, "readwrite")).clear()); }

  const FORMAT = 2;  // the roster's shape this script reads (forum/checkin/roster.py)

  // The forum's day and time of day come from the offsets the server sent, not from the browser's
  // zone data, which may be out of date (Chromium 156 has Morocco an hour behind from October 2026).
  function onListDay(roster, now) {
    return now >= roster.list.begins && now < roster.list.ends;
  }
  function localTime(roster, now) {
    let minutes = roster.forum.offsets[0][1];
    for (const [from, offset] of roster.forum.offsets) {
      if (from <= now) {
        minutes = offset;
      }
    }
    const local = new Date(now + minutes * 60 * 1000);
    return String(local.getUTCHours()).padStart(2, "0") + ":" + String(local.getUTCMinutes()).padStart(2, "0");
  }

  function attach(desk, csrf, onConflicts, onStatus) {
    const data = desk.dataset;
    const listId = Number(data.list);
    const user = Number(data.user);
    let roster = null;
    let syncing = false;
    let closed = false;

    async function pending() {
      return (await all("queue")).length;
    }

    async function status() {
      onStatus({ online: navigator.onLine, pending: await pending(), roster, closed });
    }

    async function wipe(keepQueue) {
      roster = null;
      await clear("roster");
      await clear("admitted");
      if (!keepQueue) {
        await clear("queue");
      }
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ wipe: true });
      }
    }

    async function refresh() {
      let response;
      try {
        response = await fetch(data.rosterUrl + "?list=" + listId, { credentials: "same-origin" });
      } catch (error) {
        return;  // offline: keep the roster already kept
      }
      if (response.status === 403) {
        closed = true;
        await wipe(false);
      } else if (response.ok) {
        roster = await response.json();
        await put("roster", roster, listId);
        onConflicts(roster.conflicts || []);
      }
      await status();
    }

    async function load() {
      const kept = await get("roster", listId);
      // another agent's roster, one of an older shape, or a forum that is over: not kept (scans still
      // waiting are, to be sent)
      if (kept && (kept.format !== FORMAT || kept.user !== user || new Date(kept.expires_at) < new Date())) {
        await wipe(true);
      } else if (kept) {
        roster = kept;
      }
      await status();
      await refresh();
      await flush();
    }

    // The answer the desk gives from its roster; the scan is queued with its nonce and time.
    async function answer(payload) {
      if (!roster || !payload.code || closed) {
        return null;
      }
      const now = Date.now();
      const verdict = await global.MultaqaBadge.verify(payload.code, {
        forumId: roster.forum.id,
        publicKey: roster.public_key,
        people: roster.people,
      });
      let outcome = "refused";
      let reason = verdict.reason;
      const person = verdict.person;
      const result = {};
      if (reason === "ok") {
        const key = listId + ":" + verdict.registrationId;
        const seats = roster.list.seats;
        const prior = roster.admitted[String(verdict.registrationId)] || await get("admitted", key);
        if (person.s !== "ok") {
          reason = person.s;
        } else if (!roster.list.is_rehearsal && !onListDay(roster, now)) {
          reason = "wrong_day";
        } else if (seats && !seats.includes(verdict.registrationId)) {
          reason = "not_signed_up";
        } else if (payload.exit) {
          reason = "online_only";
        } else if (prior) {
          outcome = "duplicate";
          reason = "already_checked_in";
          result.when_local = prior.at;
          result.desk = prior.desk;
        } else {
          outcome = "ok";
          await put("admitted", { at: localTime(roster, now), desk: roster.desk.name }, key);
        }
        if (person.s === "ok") {
          result.registration = {
            id: verdict.registrationId,
            name_ar: person.a,
            name_latin: person.l,
            organisation: person.o,
            role_label: roster.roles[person.c],
          };
        }
      }
      await put("queue", {
        nonce: payload.nonce,
        list: listId,
        code: payload.code,
        exit: Boolean(payload.exit),
        at: new Date(now).toISOString(),
        offline: { outcome, reason },
      });
      return Object.assign(result, {
        outcome,
        reason,
        message: roster.messages[reason] || reason,
        offline: true,
        pending: await pending(),
      });
    }

    // Upload the queue in batches, list by list; the server decides, conflicts are shown.
    async function flush() {
      if (syncing || !navigator.onLine || closed) {
        return;
      }
      syncing = true;
      try {
        const queued = (await all("queue")).sort((a, b) => (a.at < b.at ? -1 : 1));
        const lists = [...new Set(queued.map((item) => item.list))];
        for (const list of lists) {
          const items = queued.filter((item) => item.list === list);
          for (let start = 0; start < items.length; start += BATCH) {
            const batch = items.slice(start, start + BATCH);
            const response = await fetch(data.syncUrl, {
              method: "POST",
              credentials: "same-origin",
              headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
              body: JSON.stringify({ list, scans: batch.map(({ list: _list, ...scan }) => scan) }),
            });
            if (response.status === 403) {
              closed = true;
              await wipe(false);
              return;
            }
            const body = await response.json();
            if (response.status === 400 && body.index !== null && body.index !== undefined) {
              await remove("queue", batch[body.index].nonce);  // the server cannot read it: never will
              continue;
            }
            if (!response.ok) {
              return;
            }
            for (const result of body.results) {
              await remove("queue", result.nonce);
            }
            if (list === listId) {
              onConflicts(body.conflicts || []);
            }
          }
        }
      } catch (error) {
        // the network went away again: the queue waits
      } finally {
        syncing = false;
        await status();
      }
    }

    window.addEventListener("online", () => { status(); refresh().then(flush); });
    window.addEventListener("offline", status);
    window.setInterval(() => { if (navigator.onLine) { refresh(); } }, REFRESH_MS);
    window.setInterval(flush, SYNC_MS);
    // Signing out from the desk page wipes the roster (scans still queued stay, for the next agent).
    document.querySelectorAll('form[action$="/logout"]').forEach((form) => {
      form.addEventListener("submit", () => { wipe(true); });
    });
    load();
    return { answer, flush, status, ready: () => roster !== null };
  }

  // The service worker caches what the page loaded: its own address, scripts, styles, fonts, sounds.
  function registerWorker(desk) {
    if (!("serviceWorker" in navigator)) {
      return;
    }
    const report = () => {
      const urls = new Set([location.href]);
      document.querySelectorAll("script[src], link[rel=stylesheet], link[rel=icon], link[rel=manifest]").forEach((el) => {
        urls.add(el.src || el.href);
      });
      Object.keys(desk.dataset).filter((key) => key.startsWith("sound")).forEach((key) => {
        urls.add(new URL(desk.dataset[key], location.href).href);
      });
      performance.getEntriesByType("resource").forEach((entry) => {
        if (new URL(entry.name).origin === location.origin && /\.(woff2?|css|js|wav|svg|png)(\?|$)/.test(entry.name)) {
          urls.add(entry.name);
        }
      });
      navigator.serviceWorker.controller.postMessage({ cache: [...urls] });
    };
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.cached) {
        desk.dataset.offlineReady = "true";
      }
    });
    // Scope: the desk pages only (a badge printed on the spot opens outside it, straight from the network).
    navigator.serviceWorker.register(desk.dataset.workerUrl, { scope: desk.dataset.workerScope }).then(() => {
      if (navigator.serviceWorker.controller) {
        report();
      } else {
        navigator.serviceWorker.addEventListener("controllerchange", report, { once: true });
      }
    }).catch(() => {});
  }

  global.MultaqaOffline = { attach, registerWorker };
})(window);
