// Refreshes a pending screening section in place until its results arrive. Without JavaScript
// the section says to reload the page instead; nothing else depends on this script.
(function () {
  "use strict";
  var EVERY_MS = 3000;

  function poll(section) {
    var url = section.getAttribute("data-poll-url");
    if (!url) {
      return;
    }
    window.setTimeout(function () {
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.text();
        })
        .then(function (html) {
          // The fragment is rendered (and escaped) by the server's own template.
          var holder = document.createElement("div");
          holder.innerHTML = html.trim();
          var fresh = holder.firstElementChild;
          if (fresh) {
            section.replaceWith(fresh);
            poll(fresh);
          }
        })
        .catch(function () {
          // Leave the section as it is: its reload link still works.
        });
    }, EVERY_MS);
  }

  document.querySelectorAll("[data-poll-url]").forEach(poll);
})();
