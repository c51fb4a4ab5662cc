// Multaqa — recommendations: the report's print button (the live wall uses app.js's data-poll).
"use strict";

document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
