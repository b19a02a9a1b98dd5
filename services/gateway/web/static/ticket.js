// The ticket page's copy-number button: the number to the clipboard, and the button says
// so for a moment (its words come from the page, in the page's language).
(function () {
  function copied(button) {
    const label = button.textContent;
    button.textContent = button.dataset.done;
    button.dataset.copied = "true";
    setTimeout(function () { button.textContent = label; }, 2000);
  }

  function fallback(text) {
    // Without the Clipboard API (a page not served over https or loopback).
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    const done = document.execCommand("copy");
    document.body.removeChild(area);
    return done;
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-copy]");
    if (!button) return;
    const text = button.dataset.copy;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { copied(button); },
        function () { if (fallback(text)) copied(button); });
    } else if (fallback(text)) {
      copied(button);
    }
  });
})();
