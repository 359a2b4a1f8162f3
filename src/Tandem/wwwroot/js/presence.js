// Tells the server whether a person can see this page: on every visibility change, and every
// few seconds while it is visible. A page that stops reporting (a locked phone, a closed lid, a
// lost network) is soon taken as not looked at, so nothing is read, marked read or audited for
// a person who is not there (issue 27). Nothing here carries content.
let reporter = null;
let timer = null;

function report() {
  if (!reporter) return;
  reporter.invokeMethodAsync("Report", document.visibilityState === "visible").catch(() => { });
}

export function start(dotnet, intervalMs) {
  reporter = dotnet;
  document.addEventListener("visibilitychange", report);
  window.addEventListener("pageshow", report);
  window.addEventListener("pagehide", () => reporter && reporter.invokeMethodAsync("Report", false).catch(() => { }));
  clearInterval(timer);
  timer = setInterval(() => { if (document.visibilityState === "visible") report(); }, intervalMs);
  report();
}
