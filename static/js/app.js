// Multaqa — small progressive enhancements; every page works without this file.
"use strict";

document.addEventListener("submit", (event) => {
  // Buttons that change something important ask first (data-confirm="question").
  const button = event.submitter;
  const question = button && button.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Elements with data-poll="<url>" and data-poll-interval="<ms>" refresh their inner HTML from the URL.
function startPolling(element) {
  const url = element.dataset.poll;
  const interval = Number(element.dataset.pollInterval || 5000);
  const tick = async () => {
    try {
      const response = await fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" });
      if (response.ok) {
        element.innerHTML = await response.text();
        if (element.querySelector("[data-poll-stop]")) {
          return;
        }
      }
    } catch (error) {
      // Network hiccup: try again at the next tick.
    }
    window.setTimeout(tick, interval);
  };
  window.setTimeout(tick, interval);
}

document.querySelectorAll("[data-poll]").forEach(startPolling);
