// Small browser helpers called through IJSRuntime.
window.zfsPortal = {
  copyText: async (text) => {
    try { await navigator.clipboard.writeText(text); return true; }
    catch { return false; }
  }
};
