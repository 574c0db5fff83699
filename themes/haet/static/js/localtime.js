// Puts the visitor's own time first in each element marked
// data-localtime="START" or "START/END" (ISO 8601, with offset): "04:45–05:00
// GMT-7", with their day where it is not the one the page states. The page's
// own times (the workshop's zone and UTC) stay, second. A slot under way now
// is marked "live now". The stylesheet keeps the local time's line from the
// first paint, so nothing moves when it comes. No Intl: a page's first
// Intl.DateTimeFormat costs 50 ms or more (ICU loads its data).
(() => {
  "use strict";
  const weekdays = "Sun Mon Tue Wed Thu Fri Sat".split(" ");
  const months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");
  const pad = (n) => String(n).padStart(2, "0");
  const clock = (d) => pad(d.getHours()) + ":" + pad(d.getMinutes());
  const dayKey = (d) =>
    d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  // "Sat 8 May", as en-GB writes it.
  const dayName = (d) =>
    weekdays[d.getDay()] + " " + d.getDate() + " " + months[d.getMonth()];
  // "GMT-7", "GMT+5:30", "UTC": the zone as the site names its own (GMT+2).
  const zoneName = (d) => {
    const east = -d.getTimezoneOffset();
    if (!east) return "UTC";
    const minutes = Math.abs(east) % 60;
    return (
      "GMT" +
      (east < 0 ? "-" : "+") +
      Math.floor(Math.abs(east) / 60) +
      (minutes ? ":" + pad(minutes) : "")
    );
  };
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
    // No-break spaces and word joiners keep "04:45–05:00 GMT-7" and each day
    // marker on one line; the line may break between them.
    local.textContent =
      clock(start) +
      (end ? "\u2060\u2013\u2060" + clock(end) : "") +
      "\u00a0" +
      zoneName(start) +
      (marks.length ? " (" + marks.join(", ").replace(/ /g, "\u00a0") + ")" : "");
    el.prepend(local, " ");
    // A visitor in UTC or in the workshop's zone: their time is one of the
    // page's own, which then give way (their line stays: nothing moves).
    const [, sign, hours, minutes] = startText.match(/([+-])(\d\d):(\d\d)$/) || [];
    const stated = sign ? (sign === "-" ? -1 : 1) * (hours * 60 + +minutes) : 0;
    const east = -start.getTimezoneOffset();
    if (east === 0 || east === stated) {
      el.classList.add(east === 0 ? "in-utc" : "in-event-zone");
    }
    el.classList.add("has-local");
    // In a table, a row that starts a new day of the visitor's says so.
    const row = el.closest("tr");
    if (row) {
      // For browsers that cannot tell the stylesheet that scripts run.
      row.closest("table").classList.add("has-localtime");
      if (previousDay && dayKey(start) !== previousDay) {
        // The line above this row: where the visitor's next day begins.
        row.classList.add("new-day");
        const label = document.createElement("span");
        label.className = "day-label";
        label.textContent = dayName(start) + " in your time zone";
        el.prepend(label);
      }
      previousDay = dayKey(start);
      if (end && start <= now && now < end) row.classList.add("now");
    }
  }

  // On the day: keep what is on now and what is next, and move on.
  const box = document.querySelector("[data-now-next]");
  const countdown = document.querySelector("[data-countdown]");
  const update = () => {
    const time = Date.now();
    if (box) {
      const items = [...box.querySelectorAll("li[data-start]")];
      const on = items.find(
        (li) => new Date(li.dataset.start) <= time && time < new Date(li.dataset.end),
      );
      const next = items.find((li) => new Date(li.dataset.start) > time);
      for (const li of items) {
        li.hidden = li !== on && li !== next;
        li.dataset.state = li === on ? "now" : li === next ? "next" : "";
      }
      box.querySelector(".after-day").hidden = Boolean(on || next);
      box.classList.add("running");
    }
    if (countdown) {
      const minutes = Math.round((new Date(countdown.dataset.countdown) - time) / 60000);
      const days = Math.floor(minutes / 1440);
      const hours = Math.floor((minutes % 1440) / 60);
      countdown.hidden = minutes <= 0;
      countdown.textContent =
        "Starts in " +
        (days ? days + (days === 1 ? " day, " : " days, ") : "") +
        hours + (hours === 1 ? " hour" : " hours") +
        (days ? "" : ", " + (minutes % 60) + " minutes");
    }
  };
  update();
  if (box || countdown) setInterval(update, 30000);
})();
