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

// The SMS editor: characters left and parts under each text, as the network counts them (GSM alphabet:
// 160 a part, 153 once concatenated; anything else, Arabic included, goes as UCS-2: 70, then 67).
(function () {
  const form = document.querySelector("form[data-segment-count]");
  if (!form) {
    return;
  }
  const gsm = new Set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
  );
  const extended = new Set("^{}\\[~]|€\f");
  const template = form.querySelector("[data-sms-count-template]");

  function count(text) {
    const chars = Array.from(text);
    const unicode = chars.some((c) => !gsm.has(c) && !extended.has(c));
    const length = unicode ? text.length : chars.reduce((n, c) => n + (extended.has(c) ? 2 : 1), 0);
    const single = unicode ? 70 : 160;
    const perPart = length <= single ? single : unicode ? 67 : 153;
    const parts = Math.max(1, Math.ceil(length / perPart));
    return { parts, left: parts * perPart - length };
  }

  function isSms() {
    const checked = form.querySelector("input[name=channel]:checked");
    return checked && checked.value === "sms";
  }

  form.querySelectorAll("textarea[name^='body-']").forEach((area) => {
    const output = document.createElement("p");
    output.className = "help sms-count";
    output.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", output);
    const update = () => {
      output.hidden = !isSms();
      const figures = count(area.value);
      output.textContent = template.dataset.smsCountTemplate
        .replace("LEFT", String(figures.left))
        .replace("PARTS", String(figures.parts));
    };
    area.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  });
})();
