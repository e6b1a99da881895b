// The batch import page follows the import as it goes (without JavaScript, it reloads every 3 seconds).
(function () {
  var box = document.getElementById("batch-progress");
  function show(status) {
    var bar = box.querySelector("progress");
    bar.max = status.total || 1;
    bar.value = status.processed;
    box.querySelector("[data-progress-text]").textContent = box.dataset.template
      .replace("%(processed)s", status.processed).replace("%(total)s", status.total);
    box.querySelector("[data-state]").textContent = status.state_label;
    box.querySelector("[data-summary]").textContent = status.summary;
    status.items.forEach(function (item, index) {
      var row = document.querySelector('tr[data-index="' + index + '"]');
      if (!row) { return; }
      var outcome = row.querySelector("[data-outcome]");
      outcome.textContent = item.outcome_label;
      outcome.className = "tag" + (item.outcome === "refused" ? " danger" : item.outcome === "imported" ? " ok" : "");
      var cell = row.querySelector("[data-message]");
      cell.textContent = "";
      var target = cell;
      if (item.badge_url) { target = document.createElement("a"); target.href = item.badge_url; cell.appendChild(target); }
      target.textContent = item.message;
    });
  }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (status) {
        show(status);
        if (status.finished) { window.location.reload(); } else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
