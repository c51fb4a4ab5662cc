// Multaqa check-in desk: the input keeps focus, a scanner types the code + Enter, the answer comes big
// and coloured with a sound; a camera scan (jsQR, vendored) and a name search are the fallbacks.
"use strict";

(function () {
  // The desk chooser: the form goes to the chosen desk's page.
  const chooser = document.querySelector("[data-desk-chooser]");
  if (chooser) {
    const select = chooser.querySelector("[data-desk-select]");
    chooser.addEventListener("submit", () => { chooser.action = select.value; select.disabled = true; });
  }
  document.querySelectorAll("[data-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form.submit());
  });

  const desk = document.querySelector("[data-desk]");
  if (!desk) {
    return;
  }
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  // The answer to a scan the form sent before this script ran stays shown, but not in the address: a
  // reload (or the offline copy of the page) shows the desk ready, not that answer again.
  const address = new URL(window.location.href);
  if (address.searchParams.has("answer")) {
    address.searchParams.delete("answer");
    window.history.replaceState(null, "", address);
  }
  const input = desk.querySelector("[data-scan-input]");
  const answer = desk.querySelector("[data-answer]");
  const title = desk.querySelector("[data-answer-title]");
  const nameLine = desk.querySelector("[data-answer-name]");
  const detail = desk.querySelector("[data-answer-detail]");
  const agenda = desk.querySelector("[data-answer-agenda]");
  const inside = desk.querySelector("[data-inside]");
  const exitBox = desk.querySelector("[data-exit]");
  const announcer = desk.querySelector("[data-announce]");
  const text = desk.dataset;
  const sounds = {
    ok: new Audio(text.soundOk),
    duplicate: new Audio(text.soundDuplicate),
    refused: new Audio(text.soundRefused),
  };
  let busy = false;
  const offlineMark = desk.querySelector("[data-offline-mark]");
  const offlineStatus = desk.querySelector("[data-offline-status]");
  const conflictList = desk.querySelector("[data-conflicts]");

  function showStatus(state) {
    desk.dataset.online = state.online ? "true" : "false";
    desk.dataset.pending = String(state.pending);
    desk.dataset.rosterReady = state.roster ? "true" : "false";
    const parts = [state.closed ? text.textClosed : state.online ? text.textOnline : text.textOffline];
    parts.push(text.textWaiting + " " + state.pending);
    if (state.roster) {
      parts.push(text.textRoster + " " + Object.keys(state.roster.people).length);
    }
    offlineStatus.textContent = parts.join(" · ");
    offlineStatus.classList.toggle("is-offline", !state.online);
  }

  function showConflicts(conflicts) {
    desk.dataset.conflictCount = String(conflicts.length);
    conflictList.closest("[data-conflict-panel]").hidden = conflicts.length === 0;
    conflictList.replaceChildren(...conflicts.map((item) => {
      const li = document.createElement("li");
      li.textContent = [item.at, item.name, item.message, item.desk].filter(Boolean).join(" · ");
      return li;
    }));
  }

  // Offline: the roster in IndexedDB answers when the server does not (see desk-offline.js).
  const offline = window.MultaqaOffline ? window.MultaqaOffline.attach(desk, csrf, showConflicts, showStatus) : null;
  if (window.MultaqaOffline) {
    window.MultaqaOffline.registerWorker(desk);
  }

  function nonce() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    return String(Date.now()) + Math.random().toString(16).slice(2);
  }

  // The scan input gets the focus back after each action (a scan, an undo, the camera, a check-in
  // from the search) and whenever nothing else holds it; it never takes it from a control the agent
  // is on (Tab to "undo" and press Enter: the undo happens).
  function keepFocus() {
    const active = document.activeElement;
    if (!active || active === document.body || active === document.documentElement) {
      input.focus();
    }
  }
  document.addEventListener("click", () => window.setTimeout(keepFocus, 0));
  window.setInterval(keepFocus, 1000);

  function show(result) {
    const kind = result.outcome === "ok" || result.outcome === "exit" ? "ok"
      : result.outcome === "duplicate" ? "duplicate"
      : result.outcome === "undone" ? "undone" : "refused";
    answer.className = "answer answer-" + kind;
    answer.dataset.outcome = result.outcome;
    answer.dataset.reason = result.reason;
    answer.dataset.offline = result.offline ? "true" : "false";
    offlineMark.hidden = !result.offline;
    title.textContent = result.message;
    const person = result.registration;
    nameLine.textContent = person ? [person.name_ar, person.name_latin].filter(Boolean).join(" · ") : "";
    const parts = [];
    if (person) {
      parts.push(person.organisation || "", person.role_label);
    }
    if (result.outcome === "duplicate" && result.when_local) {
      parts.push(text.textAt + " " + result.when_local + (result.desk ? " · " + text.textDesk + " " + result.desk : ""));
    }
    detail.textContent = parts.filter(Boolean).join(" · ");
    // Each answer is announced, even when it says the same as the last one.
    announcer.textContent = "";
    const spoken = [text.textRehearsal, result.message, nameLine.textContent, detail.textContent];
    window.setTimeout(() => { announcer.textContent = spoken.filter(Boolean).join(". "); }, 50);
    agenda.replaceChildren(...(result.agenda || []).map((item) => {
      const li = document.createElement("li");
      li.textContent = item.time + " · " + item.title + (item.room ? " · " + item.room : "");
      return li;
    }));
    if (inside && result.inside !== null && result.inside !== undefined) {
      inside.textContent = result.inside;
    }
    const sound = sounds[kind === "undone" ? "duplicate" : kind];
    if (sound) {
      sound.currentTime = 0;
      sound.play().catch(() => {});
    }
  }

  // A POST answered in JSON; with `timeoutMs`, given up after that long (the desk answers offline).
  async function post(url, body, timeoutMs) {
    const controller = new AbortController();
    const timer = timeoutMs ? window.setTimeout(() => controller.abort(), timeoutMs) : null;
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      return await response.json();
    } finally {
      window.clearTimeout(timer);
    }
  }

  async function send(body) {
    if (busy) {
      return;
    }
    busy = true;
    const payload = Object.assign({ list: text.list, nonce: nonce(), exit: Boolean(exitBox && exitBox.checked) }, body);
    // Without a network, or without an answer within 1.5 s, the roster answers (the scan is queued
    // with its nonce, so a request that did reach the server is not counted twice). Without a roster,
    // a lost answer is retried once with the same nonce: the server records the scan only once.
    let result = !navigator.onLine && offline ? await offline.answer(payload) : null;
    for (let attempt = 0; !result && attempt < 2; attempt += 1) {
      try {
        result = await post(text.scanUrl, payload, offline && offline.ready() ? 1500 : 0);
      } catch (error) {
        result = offline ? await offline.answer(payload) : null;
        if (!result && attempt === 1) {
          result = { outcome: "refused", reason: "error", message: text.textError };
        }
      }
    }
    show(result);
    if (offline) {
      (result.offline ? offline.status() : offline.flush());
    }
    busy = false;
    input.value = "";
    input.focus();
  }

  if (exitBox) {
    exitBox.addEventListener("change", () => input.focus());
  }

  desk.querySelector("[data-scan-form]").addEventListener("submit", (event) => {
    event.preventDefault();
    const code = input.value.trim();
    if (code) {
      send({ code });
    }
  });

  desk.querySelector("[data-undo]").addEventListener("click", async () => {
    try {
      show(await post(text.undoUrl, { list: text.list }));
    } catch (error) {
      show({ outcome: "refused", reason: "error", message: text.textError });
    }
    input.focus();
  });

  // Name search: results with "check in" and "print badge" buttons.
  const results = desk.querySelector("[data-search-results]");
  const printForm = desk.querySelector("[data-print-form]");
  desk.querySelector("[data-search-form]").addEventListener("submit", async (event) => {
    event.preventDefault();
    const q = desk.querySelector("[data-search-input]").value.trim();
    const response = await fetch(text.searchUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" });
    const people = await response.json();
    results.replaceChildren(...people.map((person) => {
      const li = document.createElement("li");
      const label = document.createElement("span");
      label.textContent = [person.name_ar, person.name_latin, person.organisation, person.status].filter(Boolean).join(" · ");
      const checkIn = document.createElement("button");
      checkIn.type = "button";
      checkIn.className = "button small primary";
      checkIn.textContent = text.textCheckin;
      checkIn.addEventListener("click", () => send({ registration_id: person.id }));
      li.append(label, " ", checkIn);
      if (person.badge_url) {
        const print = document.createElement("button");
        print.type = "button";
        print.className = "button small";
        print.textContent = text.textBadge;
        print.addEventListener("click", () => { printForm.action = person.badge_url; printForm.submit(); input.focus(); });
        li.append(" ", print);
      }
      return li;
    }));
  });

  // Camera: read frames into a canvas and look for a QR with jsQR.
  const video = desk.querySelector("[data-video]");
  const canvas = document.createElement("canvas");
  let stream = null;
  let lastCode = "";
  let lastAt = 0;
  async function startCamera() {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (error) {
      show({ outcome: "refused", reason: "camera", message: text.textCameraError });
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    // The input keeps the focus for a scanner, without a phone's keyboard covering the picture.
    input.inputMode = "none";
    cameraButton.textContent = text.textCameraStop;
    await video.play();
    const context = canvas.getContext("2d", { willReadFrequently: true });
    const tick = () => {
      if (!stream) {
        return;
      }
      if (video.readyState === video.HAVE_ENOUGH_DATA && !busy) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        const now = Date.now();
        // The same badge held in front of the camera is sent once, not at every frame.
        if (found && found.data && (found.data !== lastCode || now - lastAt > 4000)) {
          lastCode = found.data;
          lastAt = now;
          send({ code: found.data });
        }
      }
      window.requestAnimationFrame(tick);
    };
    window.requestAnimationFrame(tick);
  }
  function stopCamera() {
    stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.hidden = true;
    input.removeAttribute("inputmode");
    cameraButton.textContent = text.textCameraStart;
  }
  const cameraButton = desk.querySelector("[data-camera]");
  cameraButton.addEventListener("click", async () => {
    await (stream ? stopCamera() : startCamera());
    input.focus();
  });
})();
