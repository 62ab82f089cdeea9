// Oversight console: a little progressive enhancement, no build step, no inline script (the CSP forbids it).
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.classList.contains("confirm")) {
    if (!window.confirm("Revoke this agent? It will be refused from its next connection.")) {
      event.preventDefault();
    }
  }
});
