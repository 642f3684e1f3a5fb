// The GOV.UK timeout warning: a modal dialog before an idle session ends (lscp/accounts/sessions.py).
// The base template puts the seconds left on <body data-lscp-idle-remaining> and the dialog in
// the page; "Stay signed in" (or Escape) posts to the session endpoint, "Sign out" signs out.
// When the time is up the page is reloaded: the server has signed the person out by then and
// answers with the sign-in page saying why.

function words(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

export function initTimeoutWarning(body = document.body) {
  const dialog = document.getElementById("lscp-timeout-warning");
  const remaining = Number.parseInt(body.dataset.lscpIdleRemaining ?? "", 10);
  if (!dialog || !Number.isFinite(remaining) || typeof dialog.showModal !== "function") return;
  const warning = Number.parseInt(body.dataset.lscpIdleWarning ?? "120", 10);
  const countdown = dialog.querySelector(".lscp-timeout-warning__countdown");
  const spoken = dialog.querySelector(".lscp-timeout-warning__spoken");
  const announce = dialog.querySelector("[data-lscp-timeout-announce]");
  const stayForm = dialog.querySelector("[data-lscp-timeout-stay]");
  let deadline = 0;
  let warnTimer = 0;
  let endTimer = 0;
  let tick = 0;

  function schedule(seconds) {
    // One second later than the server's end, so the reload finds the session already over.
    deadline = Date.now() + (seconds + 1) * 1000;
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(show, Math.max(0, seconds - warning) * 1000);
    endTimer = setTimeout(() => window.location.reload(), (seconds + 1) * 1000);
  }

  function update(force = false) {
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000) - 1);
    countdown.textContent = words(left);
    // Screen readers hear the time now and then, not every second.
    if (force || left % 20 === 0 || (left <= 10 && left % 5 === 0)) {
      spoken.textContent = words(left);
      announce.textContent = `We will sign you out in ${words(left)}.`;
    }
  }

  function show() {
    update(true);
    if (!dialog.open) dialog.showModal();
    clearInterval(tick);
    tick = setInterval(update, 1000);
  }

  async function stay(event) {
    event?.preventDefault();
    clearInterval(tick);
    if (dialog.open) dialog.close();
    announce.textContent = "";
    try {
      const response = await fetch(stayForm.action, {
        method: "POST",
        body: new FormData(stayForm),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok || response.redirected) throw new Error("signed out");
      const answer = await response.json();
      schedule(answer.remaining);
    } catch {
      window.location.reload();
    }
  }

  stayForm.addEventListener("submit", stay);
  dialog.addEventListener("cancel", stay); // Escape
  schedule(remaining);
}
