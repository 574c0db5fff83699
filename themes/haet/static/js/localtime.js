// Adds the visitor's own time to each element marked data-localtime="START" or
// "START/END" (ISO 8601, with offset): "Your time: 04:45–05:00 PDT", and their
// date where it is not the one the page states. The page already gives every
// time in the event's zone and in UTC; this only adds to it.
(() => {
  "use strict";
  const zones = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" });
  const pad = (n) => String(n).padStart(2, "0");
  const clock = (d) => pad(d.getHours()) + ":" + pad(d.getMinutes());
  const dayKey = (d) =>
    d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  const dayName = (d) =>
    d.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short" });
  const zoneName = (d) =>
    zones.formatToParts(d).find((part) => part.type === "timeZoneName").value;

  for (const el of document.querySelectorAll("[data-localtime]")) {
    const [startText, endText] = el.dataset.localtime.split("/");
    const start = new Date(startText);
    const end = endText ? new Date(endText) : null;
    if (isNaN(start) || (end && isNaN(end))) continue;
    const days = [];
    // The first ten characters are the date the page states, in its own zone.
    if (dayKey(start) !== startText.slice(0, 10)) days.push(dayName(start));
    // A span that ends at 00:00 ends on the day it started.
    if (end && dayKey(new Date(end - 1)) !== dayKey(start)) {
      days.push("ends " + dayName(end));
    }
    const text = document.createElement("small");
    text.className = "localtime";
    // Word joiners and no-break spaces keep "04:45–05:00 PDT" and
    // "(ends Sat 8 May)" each on one line.
    text.textContent =
      "Your time: " +
      clock(start) +
      (end ? "\u2060\u2013\u2060" + clock(end) : "") +
      "\u00a0" +
      zoneName(start) +
      (days.length ? " (" + days.join(", ").replace(/ /g, "\u00a0") + ")" : "");
    el.append(document.createElement("br"), text);
  }
})();
