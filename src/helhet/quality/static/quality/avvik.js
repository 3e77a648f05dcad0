// «Meld avvik»: keep a half-written report as a draft when the phone locks, the app is switched or the
// page is left, and every 30 seconds while typing. The server answers with the draft's id, which the
// form then carries (hidden «utkast»), so «Send» continues the same draft. Without JavaScript the form
// works as before (explicit «Lagre som utkast»).
(function () {
  "use strict";
  var form = document.querySelector("form[data-autolagre]");
  if (!form) return;
  var url = form.getAttribute("data-autolagre");
  var status = form.querySelector(".autolagret");
  var dirty = false;
  var busy = false;

  function draftField() {
    var field = form.querySelector("input[name=utkast]");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "utkast";
      form.appendChild(field);
    }
    return field;
  }

  function save() {
    if (!dirty || busy) return;
    dirty = false;
    busy = true;
    var body = new FormData(form);
    body.set("handling", "utkast");
    fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: true })
      .then(function (response) {
        if (response.status === 200) return response.json();
        return null;
      })
      .then(function (answer) {
        if (answer && answer.utkast) {
          draftField().value = String(answer.utkast);
          if (status) status.textContent = "Utkastet er lagret kl. " + answer.lagret + ".";
        }
      })
      .catch(function () {
        dirty = true; // try again at the next chance
      })
      .finally(function () {
        busy = false;
      });
  }

  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") save();
  });
  window.addEventListener("pagehide", save);
  window.setInterval(save, 30000);
})();
