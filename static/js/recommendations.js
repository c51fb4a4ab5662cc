// Multaqa — recommendations: the report's print button, and quick entry in the rapporteur's workspace.
// (The live wall refreshes through app.js's data-poll.)
"use strict";

document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});

// After adding a recommendation the page comes back at #add: the text box is ready for the next one.
const quickEntry = document.querySelector("[data-quick-entry] textarea");
if (quickEntry && window.location.hash === "#add") {
  // After the browser has scrolled to #add (which moves the focus to the page itself).
  window.addEventListener("load", () => window.setTimeout(() => quickEntry.focus(), 0));
}
