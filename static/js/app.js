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

// Elements with data-poll="<url>" and data-poll-interval="<ms>" refresh their inner HTML from the URL
// (with data-poll-now, a first time as soon as the page is shown).
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
  window.setTimeout(tick, "pollNow" in element.dataset ? 0 : interval);
}

document.querySelectorAll("[data-poll]").forEach(startPolling);

// After a failed submit the error summary takes the focus (a screen reader reads it); each of its links
// moves the focus to the invalid control itself, scrolled so that its label or legend shows.
const errorSummary = document.querySelector("[data-error-summary]");
if (errorSummary) {
  errorSummary.focus();
  errorSummary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const control = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!control) {
      return;
    }
    event.preventDefault();
    const details = control.closest("details");
    if (details) {
      details.open = true;
    }
    const heading = control.closest("fieldset.choices, .field")?.querySelector("legend, label");
    (heading || control).scrollIntoView({ block: "start" });
    control.focus({ preventScroll: true });
  });
}
