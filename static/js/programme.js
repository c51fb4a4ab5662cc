// Multaqa — timetable editor: drag a session to another room/time, drag its lower edge to resize.
// Every change goes through the same server checks as the form (conflicts refused and explained);
// without this file the editor works with links and the session form.
"use strict";

const SLOT_MINUTES = 15;

function parseLocal(text) {
  const [day, time] = text.split("T");
  const [y, m, d] = day.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  return Date.UTC(y, m - 1, d, hh, mm);
}

function formatLocal(ms) {
  const date = new Date(ms);
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

function setupTimetable(table) {
  const status = document.querySelector(".tt-status");
  const moveUrl = (id) => table.dataset.moveUrlTemplate.replace("/0/", `/${id}/`);

  async function move(block, roomId, startsAt, endsAt) {
    const body = new FormData();
    body.append("csrf_token", table.dataset.csrf);
    body.append("room_id", roomId);
    body.append("starts_at", startsAt);
    body.append("ends_at", endsAt);
    status.textContent = "…";
    try {
      const response = await fetch(moveUrl(block.dataset.session), {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      const answer = await response.json();
      if (answer.ok) {
        window.location.reload();
      } else {
        status.textContent = answer.errors.join(" ");
      }
    } catch (error) {
      status.textContent = String(error);
    }
  }

  table.querySelectorAll(".tt-session").forEach((block) => {
    block.addEventListener("dragstart", (event) => {
      event.dataTransfer.setData("text/plain", block.dataset.session);
      event.dataTransfer.effectAllowed = "move";
      table.dataset.dragging = block.dataset.session;
    });
    block.addEventListener("dragend", () => {
      delete table.dataset.dragging;
      table.querySelectorAll(".is-target").forEach((cell) => cell.classList.remove("is-target"));
    });
    const handle = block.querySelector(".tt-resize");
    if (handle) {
      handle.addEventListener("pointerdown", (event) => startResize(event, block));
    }
  });

  table.querySelectorAll(".tt-free").forEach((cell) => {
    cell.addEventListener("dragover", (event) => {
      if (table.dataset.dragging) {
        event.preventDefault();
        cell.classList.add("is-target");
      }
    });
    cell.addEventListener("dragleave", () => cell.classList.remove("is-target"));
    cell.addEventListener("drop", (event) => {
      event.preventDefault();
      const block = table.querySelector(`.tt-session[data-session="${event.dataTransfer.getData("text/plain")}"]`);
      if (!block) {
        return;
      }
      const duration = parseLocal(block.dataset.ends) - parseLocal(block.dataset.starts);
      const starts = parseLocal(cell.dataset.starts);
      move(block, cell.dataset.room, cell.dataset.starts, formatLocal(starts + duration));
    });
  });

  function startResize(event, block) {
    event.preventDefault();
    event.stopPropagation();
    const freeCell = table.querySelector(".tt-free") || table.querySelector("tbody td");
    const rowHeight = freeCell ? freeCell.getBoundingClientRect().height : 24;
    const startY = event.clientY;
    block.setAttribute("draggable", "false");
    const onUp = (up) => {
      document.removeEventListener("pointerup", onUp);
      block.setAttribute("draggable", "true");
      const slots = Math.round((up.clientY - startY) / rowHeight);
      if (slots === 0) {
        return;
      }
      const ends = parseLocal(block.dataset.ends) + slots * SLOT_MINUTES * 60000;
      if (ends <= parseLocal(block.dataset.starts)) {
        return;
      }
      move(block, block.dataset.room, block.dataset.starts, formatLocal(ends));
    };
    document.addEventListener("pointerup", onUp);
  }
}

document.querySelectorAll("table.timetable").forEach(setupTimetable);
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
