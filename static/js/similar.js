// Multaqa — similar recommendations shown while a recommendation is typed (templates/recommendations/
// _similar.html): after a pause in typing, the forum's recommendations that read like the text are asked
// for and listed, each with its button (merge into it, or support it instead). Without this script the
// server shows them when the text is submitted.
"use strict";

const PAUSE_MS = 300;
const MIN_LENGTH = 12;

function matchItem(box, match) {
  const item = document.createElement("li");
  const text = document.createElement("p");
  text.className = "rec-text";
  text.dir = match.dir;
  text.textContent = match.text;
  const actions = document.createElement("p");
  actions.className = "rec-actions";
  const status = document.createElement("span");
  status.className = `pill rec-status-${match.status}`;
  status.textContent = match.status_title;
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = `${match.workshop} · ${match.supports_label}`;
  actions.append(status, " ", meta, " ");
  if (match.action_url) {
    const button = document.createElement("button");
    button.type = "submit";
    button.className = "button small";
    button.formNoValidate = true;
    button.formAction = match.action_url;
    button.textContent = box.dataset.action;
    actions.append(button);
  } else {
    const supported = document.createElement("span");
    supported.className = "pill pill-open";
    supported.textContent = box.dataset.supported;
    actions.append(supported);
  }
  item.append(text, actions);
  return item;
}

function show(box, matches) {
  const list = box.querySelector("[data-similar-list]");
  list.replaceChildren();
  if (!matches.length) return;
  const heading = document.createElement("h3");
  heading.textContent = box.dataset.heading;
  const hint = document.createElement("p");
  hint.className = "meta";
  hint.textContent = box.dataset.hint;
  const items = document.createElement("ul");
  items.className = "rec-list rec-compact";
  items.append(...matches.map((match) => matchItem(box, match)));
  list.append(heading, hint, items);
}

document.querySelectorAll("[data-similar]").forEach((box) => {
  const textarea = document.getElementById(box.dataset.text);
  const workshop = box.dataset.workshop ? document.getElementById(box.dataset.workshop) : null;
  if (!textarea) return;
  let timer = null;
  let asked = "";
  let pending = null;

  const ask = () => {
    const text = textarea.value.trim();
    const query = new URLSearchParams({ text });
    if (workshop && workshop.value) query.set("workshop", workshop.value);
    if (query.toString() === asked) return;
    asked = query.toString();
    if (pending) pending.abort();
    if (text.length < MIN_LENGTH) {
      show(box, []);
      return;
    }
    pending = new AbortController();
    fetch(`${box.dataset.similar}?${asked}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: pending.signal,
    })
      .then((response) => (response.ok ? response.json() : null))
      .then((answer) => {
        if (answer) show(box, answer.matches);
      })
      .catch(() => {}); // offline or aborted: the server still checks when the form is sent
  };

  const later = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, PAUSE_MS);
  };
  textarea.addEventListener("input", later);
  if (workshop) workshop.addEventListener("change", later);
});
