// Live preview for the guidance editor: posts the Markdown to the server, which answers the
// same sanitised HTML readers will see, so the rules live once, on the server. Loaded as a
// static file under the strict Content-Security-Policy (no inline script).
(function () {
  "use strict";
  function start() {
    var source = document.querySelector("[data-preview-source]");
    var panel = document.querySelector("[data-preview-url]");
    var target = document.getElementById("preview");
    if (!source || !panel || !target) { return; }
    var form = source.form;
    var token = form ? form.querySelector("input[name=csrfmiddlewaretoken]") : null;
    var timer = null;
    var sent = 0;
    function refresh() {
      var mine = ++sent;
      var body = new URLSearchParams();
      body.set("body", source.value);
      fetch(panel.getAttribute("data-preview-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "" },
        body: body
      }).then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      }).then(function (html) {
        if (mine === sent) { target.innerHTML = html; }  // sanitised by the server (nh3)
      }).catch(function () {
        if (mine === sent) { target.textContent = "The preview is not available just now."; }
      });
    }
    source.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
    refresh();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
