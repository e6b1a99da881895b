// "Copy" buttons of the share panel: an enhancement only (the fields stay selectable without it).
document.addEventListener("DOMContentLoaded", () => {
  const status = document.querySelector(".copied");
  for (const button of document.querySelectorAll("button[data-copy]")) {
    if (!navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      await navigator.clipboard.writeText(document.getElementById(button.dataset.copy).value);
      if (status) status.hidden = false;
    });
  }
});
