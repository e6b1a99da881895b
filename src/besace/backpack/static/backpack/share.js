// Copy buttons of the share panel: hidden without JavaScript, where the read-only fields can be copied by hand.
"use strict";
(function () {
  function copyText(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value);
    }
    // Plain http (a local Besace): the older way, from a selection.
    field.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  document.querySelectorAll(".share-panel").forEach(function (panel) {
    var status = panel.querySelector(".copy-status");
    panel.querySelectorAll("button[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.dataset.copy);
      if (!field) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        copyText(field).then(
          function () { status.textContent = panel.dataset.copiedMessage; },
          function () { field.select(); status.textContent = panel.dataset.copyFailedMessage; }
        );
      });
    });
  });
})();
