// Drives Blazor's reconnect dialog (Components/ConnectionBanners): Blazor reports each state by an event on the dialog
// and a class on it (the class picks the sentence and buttons, in portal.css); this opens and closes it and wires its
// buttons, after the .NET 10 template's ReconnectModal.razor.js. Unlike the template, a circuit the server no longer
// has is not reloaded by itself: the banner says so and the user reloads, so a page never reloads under their hands.
(() => {
  const modal = document.getElementById("components-reconnect-modal");
  if (!modal) return;
  const states = ["components-reconnect-show", "components-reconnect-retrying", "components-reconnect-failed",
    "components-reconnect-rejected", "components-reconnect-paused", "components-reconnect-resume-failed"];

  modal.addEventListener("components-reconnect-state-changed", event => {
    const state = event.detail.state;
    if (state === "hide") modal.close();
    else if (!modal.open) modal.showModal();
    if (state === "failed") document.addEventListener("visibilitychange", retryWhenVisible);
  });
  // Escape would close the dialog over a page that no longer answers.
  modal.addEventListener("cancel", event => event.preventDefault());
  document.getElementById("components-reconnect-button").addEventListener("click", retry);
  document.getElementById("components-resume-button").addEventListener("click", resume);
  modal.querySelector("[data-reload]").addEventListener("click", () => location.reload());

  function show(state) {
    modal.classList.remove(...states);
    modal.classList.add(state);
    if (!modal.open) modal.showModal();
  }

  async function retry() {
    document.removeEventListener("visibilitychange", retryWhenVisible);
    try {
      // true: back on the same circuit; false: the server answered but no longer has it, so try to resume it.
      if (await Blazor.reconnect()) return;
      if (await Blazor.resumeCircuit()) modal.close();
      else show("components-reconnect-rejected");
    } catch {
      // Still out of reach: try again when the tab is next shown.
      document.addEventListener("visibilitychange", retryWhenVisible);
    }
  }

  async function resume() {
    try {
      if (!await Blazor.resumeCircuit()) show("components-reconnect-rejected");
    } catch {
      show("components-reconnect-resume-failed");
    }
  }

  async function retryWhenVisible() {
    if (document.visibilityState === "visible") await retry();
  }
})();
