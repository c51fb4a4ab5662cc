// Multaqa — existing organisations suggested while a person types a new organisation's name on the
// registration form (templates/registration/register.html): after a pause, the series' organisations
// whose names hold the words typed are asked for (the forum's region first) and offered as buttons;
// choosing one selects it in the list of organisations instead of creating it again. Without this
// script the form works as before, and a name typed again is matched to the existing organisation.
"use strict";

const PAUSE_MS = 200;

function setUp(script) {
  const input = document.getElementById("organisation_name");
  const select = document.getElementById("organisation_id");
  if (!input || !select) return;
  const box = document.createElement("div");
  box.className = "org-suggestions";
  box.setAttribute("aria-live", "polite");
  input.setAttribute("aria-describedby", "org-suggestions");
  box.id = "org-suggestions";
  input.insertAdjacentElement("afterend", box);
  let timer = null;
  let asked = "";

  function choose(match) {
    let option = Array.from(select.options).find((o) => o.value === String(match.id));
    if (!option) {
      option = new Option(match.name, String(match.id));
      select.add(option);
    }
    select.value = String(match.id);
    input.value = "";
    box.replaceChildren();
    const details = input.closest("details");
    if (details) details.open = false;
    select.focus();
  }

  function show(matches) {
    box.replaceChildren();
    if (!matches.length) return;
    const title = document.createElement("p");
    title.className = "meta";
    title.textContent = script.dataset.title;
    const list = document.createElement("ul");
    list.className = "plain-list";
    for (const match of matches) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button small";
      button.dir = "auto";
      button.textContent = match.province ? `${match.name} · ${match.province}` : match.name;
      button.addEventListener("click", () => choose(match));
      const item = document.createElement("li");
      item.append(button);
      list.append(item);
    }
    box.append(title, list);
  }

  async function ask() {
    const text = input.value.trim();
    if (text === asked) return;
    asked = text;
    if (text.length < 2) return show([]);
    const url = `${script.dataset.url}?q=${encodeURIComponent(text)}&region=${encodeURIComponent(script.dataset.region)}`;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok && input.value.trim() === text) show(await response.json());
    } catch (error) {
      // offline or limited: the form still works without suggestions
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(ask, PAUSE_MS);
  });
}

setUp(document.currentScript);
