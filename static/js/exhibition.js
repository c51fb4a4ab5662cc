// Exhibition scan page: the code input keeps the focus, so a USB/Bluetooth scanner (keyboard input +
// Enter) can scan badge after badge; clicking another field (a note) is still possible.
"use strict";

document.querySelectorAll("[data-keep-focus]").forEach((input) => {
  const refocus = () => {
    window.setTimeout(() => {
      const active = document.activeElement;
      if (!active || active === document.body) {
        input.focus();
      }
    }, 50);
  };
  input.addEventListener("blur", refocus);
  input.focus();
});
