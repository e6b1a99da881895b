// The award's progress follows the award in place, without reloading the page under the reader (a timed
// reload moves a screen reader back to the top): the page is fetched again and its bar and counts copied,
// until the award ends or stops, when the page reloads once to show the outcome. Without JavaScript,
// the page reloads itself (<noscript>).
(function () {
  var section = document.getElementById("award-job-progress");
  var seconds = Number(section.dataset.refreshSeconds) || 2;
  function poll() {
    fetch(window.location.href, {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("award-job-progress");
        if (!fresh || !fresh.dataset.refreshSeconds) { window.location.reload(); return; }
        ["[data-state]", "[data-progress-text]"].forEach(function (selector) {
          section.querySelector(selector).textContent = fresh.querySelector(selector).textContent;
        });
        var bar = section.querySelector("progress"), freshBar = fresh.querySelector("progress");
        bar.max = freshBar.max;
        bar.value = freshBar.value;
        window.setTimeout(poll, seconds * 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, seconds * 1000);
})();
