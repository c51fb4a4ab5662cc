// The message editor: how many people the chosen group reaches, counted by the server as the boxes change.
(function () {
  const form = document.querySelector("form[data-segment-count]");
  if (!form) {
    return;
  }
  const output = form.querySelector("[data-count-output]");
  let timer = null;
  let asked = 0;

  async function recount() {
    const query = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (name !== "csrf_token" && !name.startsWith("subject-") && !name.startsWith("body-")) {
        query.append(name, value);
      }
    }
    const ticket = ++asked;
    try {
      const response = await fetch(form.dataset.segmentCount + "?" + query.toString(), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok && ticket === asked) {
        const data = await response.json();
        output.textContent = data.text;
      }
    } catch (error) {
      // Offline for a moment: the count comes back with the next change.
    }
  }

  form.addEventListener("change", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(recount, 200);
  });
  recount();
})();
