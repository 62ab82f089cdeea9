// Oversight console: a little progressive enhancement, no build step, no inline script (the CSP forbids it).
//
// - Revoking an agent asks for confirmation.
// - Live updates: the page listens to GET /events (Server-Sent Events) and, when an event concerns what it shows,
//   fetches itself again and swaps its <main> element, so every page is live without page-specific code.
// - Countdowns: an element with a data-deadline="ISO 8601" attribute shows the time left (or how long overdue).
//
// Texts come from the page, in its language: a form's data-confirm, and <html>'s data-countdown-left,
// data-countdown-overdue (with {duration}) and data-duration-units ("d h m s" as the language abbreviates them).
//
// For tests and curious operators, <html> carries data-page-load (set once per real load, never by a live update),
// data-live ("connecting", "connected", "closed") and data-live-updates (how many times <main> was swapped).
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.classList.contains("confirm")) {
    if (!window.confirm(form.dataset.confirm || "Revoke this agent? It will be refused from its next connection.")) {
      event.preventDefault();
    }
  }
});

(() => {
  const root = document.documentElement;
  if (!root.dataset.pageLoad) {
    root.dataset.pageLoad = Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
  }
  root.dataset.liveUpdates = root.dataset.liveUpdates || "0";

  // ---- Countdowns -------------------------------------------------------------------------------------------

  const pad = (n) => String(n).padStart(2, "0");
  const [ud, uh, um, us] = (root.dataset.durationUnits || "d h m s").split(" ");
  const leftText = root.dataset.countdownLeft || "{duration} left";
  const overdueText = root.dataset.countdownOverdue || "OVERDUE by {duration}";
  function spell(seconds) {
    const s = Math.abs(Math.trunc(seconds));
    const d = Math.floor(s / 86400);
    const h = Math.floor((s % 86400) / 3600);
    const m = Math.floor((s % 3600) / 60);
    const r = s % 60;
    if (d > 0) return `${d}${ud} ${h}${uh} ${pad(m)}${um}`;
    if (h > 0) return `${h}${uh} ${pad(m)}${um} ${pad(r)}${us}`;
    return `${m}${um} ${pad(r)}${us}`;
  }

  function tick() {
    const now = Date.now();
    for (const element of document.querySelectorAll("[data-deadline]")) {
      const deadline = Date.parse(element.dataset.deadline);
      if (Number.isNaN(deadline)) continue;
      // Write into a child span so that any markup or text the server put in the element stays.
      let target = element.querySelector(":scope > .countdown");
      if (!target) {
        if (element.children.length === 0 && !element.title) element.title = element.textContent.trim();
        target = element.children.length === 0 ? element : element.appendChild(document.createElement("span"));
        if (target !== element) target.className = "countdown";
      }
      const left = (deadline - now) / 1000;
      target.textContent = (left >= 0 ? leftText : overdueText).replace("{duration}", spell(left));
      element.classList.toggle("deadline-overdue", left < 0);
      element.classList.toggle("deadline-soon", left >= 0 && left < 300);
    }
  }

  // ---- Live updates ---------------------------------------------------------------------------------------

  // Which events concern the page being shown.
  function relevant(kind, event) {
    if (kind === "reload") return true;
    const segments = location.pathname.split("/").filter(Boolean).map((s) => {
      try { return decodeURIComponent(s); } catch { return s; }
    });
    switch (segments[0]) {
      case "providers":
      case "tickets":
        return event.provider === segments[1];
      case "alerts":
        return kind === "alerts" || kind === "sla";
      case "agents":
        return kind === "tickets" || kind === "alerts";
      default:
        return true; // the overview, the scorecard and any other summary page
    }
  }

  // Whether the user is typing in a form of <main>: then the swap waits until they leave the field.
  function editing() {
    const active = document.activeElement;
    const main = document.querySelector("main");
    if (!active || !main || !main.contains(active)) return false;
    return active instanceof HTMLTextAreaElement || active instanceof HTMLSelectElement
      || (active instanceof HTMLInputElement && active.type !== "hidden" && active.type !== "submit" && active.type !== "button");
  }

  let inFlight = false;
  let again = false;

  async function refresh() {
    if (inFlight) { again = true; return; }
    if (editing()) { again = true; return; }
    inFlight = true;
    again = false;
    try {
      const response = await fetch(location.href, {
        credentials: "same-origin", cache: "no-store", headers: { "Accept": "text/html" },
      });
      // Signed out meanwhile (redirected to /login) or the thing is gone: leave the page as it is.
      if (!response.ok || response.redirected) return;
      const html = await response.text();
      const fresh = new DOMParser().parseFromString(html, "text/html");
      const next = fresh.querySelector("main");
      const current = document.querySelector("main");
      if (!next || !current || editing()) { again = true; return; }
      current.replaceWith(document.adoptNode(next));
      if (fresh.title) document.title = fresh.title;
      root.dataset.liveUpdates = String(Number(root.dataset.liveUpdates || "0") + 1);
      tick();
      document.dispatchEvent(new CustomEvent("oversight:updated"));
    } catch (error) {
      // A network blip: the next event (or the reconnect) tries again.
    } finally {
      inFlight = false;
      if (again) setTimeout(refresh, 250);
    }
  }

  document.addEventListener("focusout", () => { if (again && !inFlight) setTimeout(refresh, 100); });

  function connect() {
    // Only signed-in pages have a Log out form; the sign-in page does not listen.
    if (!document.querySelector('form[action="/logout"]') || typeof EventSource === "undefined") return;
    root.dataset.live = "connecting";
    const source = new EventSource("/events");
    let opened = false;
    source.addEventListener("open", () => {
      // After a reconnect, events may have been missed: fetch once.
      if (opened) refresh();
      opened = true;
      root.dataset.live = "connected";
    });
    source.addEventListener("error", () => {
      root.dataset.live = source.readyState === EventSource.CLOSED ? "closed" : "connecting";
    });
    for (const kind of ["tickets", "sla", "alerts", "reload"]) {
      source.addEventListener(kind, (message) => {
        let event = {};
        try { event = JSON.parse(message.data); } catch { /* a reload carries {} */ }
        if (relevant(kind, event)) refresh();
      });
    }
    window.addEventListener("pagehide", () => source.close());
  }

  function start() {
    tick();
    setInterval(tick, 1000);
    connect();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
