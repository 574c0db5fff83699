// Puts the visitor's own time first in each element marked
// data-localtime="START" or "START/END" (ISO 8601, with offset): "04:45–05:00
// PDT", with their day where it is not the one the page states. The page's
// own times (the workshop's zone and UTC) stay, second. A slot under way now
// is marked "live now".
(() => {
  "use strict";
  const zones = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" });
  const pad = (n) => String(n).padStart(2, "0");
  const clock = (d) => pad(d.getHours()) + ":" + pad(d.getMinutes());
  const dayKey = (d) =>
    d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  // One formatter each, made once: making them is the costly part.
  const days = new Intl.DateTimeFormat("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
  });
  const dayName = (d) => days.format(d);
  const zoneName = (d) =>
    zones.formatToParts(d).find((part) => part.type === "timeZoneName").value;
  const now = Date.now();
  let previousDay = "";

  for (const el of document.querySelectorAll("[data-localtime]")) {
    const [startText, endText] = el.dataset.localtime.split("/");
    const start = new Date(startText);
    const end = endText ? new Date(endText) : null;
    if (isNaN(start) || (end && isNaN(end))) continue;
    const marks = [];
    // The first ten characters are the date the page states, in its own zone.
    if (dayKey(start) !== startText.slice(0, 10)) marks.push(dayName(start));
    // A span that ends at 00:00 ends on the day it started.
    if (end && dayKey(new Date(end - 1)) !== dayKey(start)) {
      marks.push("ends " + dayName(end));
    }
    const local = document.createElement("strong");
    local.className = "localtime";
    // No-break spaces and word joiners keep "04:45–05:00 PDT" and each day
    // marker on one line; the line may break between them.
    local.textContent =
      clock(start) +
      (end ? "\u2060\u2013\u2060" + clock(end) : "") +
      "\u00a0" +
      zoneName(start) +
      (marks.length ? " (" + marks.join(", ").replace(/ /g, "\u00a0") + ")" : "");
    el.prepend(local, " ");
    // The column's heading names the visitor's zone first.
    const head = el.closest("table")?.querySelector("[data-zone-head]");
    if (head && !head.dataset.done) {
      head.dataset.done = "1";
      const zones = head.textContent.replace(/^Time in /, "");
      head.textContent = "Your time (" + zoneName(start) + "), then " + zones;
    }
    el.classList.add("has-local");
    // In a table, a row that starts a new day of the visitor's says so.
    const row = el.closest("tr");
    if (row) {
      if (previousDay && dayKey(start) !== previousDay) row.classList.add("new-day");
      previousDay = dayKey(start);
      if (end && start <= now && now < end) row.classList.add("now");
    }
  }
})();
