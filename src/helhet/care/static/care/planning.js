// The planning board's drag and drop. Everything also works without it: each visit has a «Flytt» form.
// A drop posts the move (person and time from where it was dropped); the server checks every hard rule
// and answers in JSON. Refused: the reason is shown and the visit stays where it was. Accepted: the
// board is loaded again with the new draft.
(function () {
  "use strict";

  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function say(text, ok) {
    var live = document.getElementById("plan-live");
    if (!live) return;
    live.className = "plan-live" + (ok ? " ok" : "");
    live.textContent = text;
  }

  function minutesAt(track, clientX, board) {
    var rect = track.getBoundingClientRect();
    var start = Number(board.dataset.axisStart), end = Number(board.dataset.axisEnd);
    var share = Math.min(1, Math.max(0, (clientX - rect.left) / rect.width));
    return Math.round((start + share * (end - start)) / 5) * 5;
  }

  function hhmm(m) {
    var h = Math.floor(m / 60) % 24, mm = m % 60;
    return (h < 10 ? "0" : "") + h + ":" + (mm < 10 ? "0" : "") + mm;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var board = document.querySelector(".plan-board");
    if (!board) return;
    var dragged = null, grabOffset = 0;

    document.querySelectorAll(".block[draggable=true]").forEach(function (block) {
      block.addEventListener("dragstart", function (event) {
        dragged = block;
        var rect = block.getBoundingClientRect();
        grabOffset = block.classList.contains("loose") ? 0 : event.clientX - rect.left;
        block.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", block.dataset.besok);
      });
      block.addEventListener("dragend", function () { block.classList.remove("dragging"); });
    });

    document.querySelectorAll(".drop-target").forEach(function (target) {
      target.addEventListener("dragover", function (event) { event.preventDefault(); target.classList.add("drag-over"); });
      target.addEventListener("dragleave", function () { target.classList.remove("drag-over"); });
      target.addEventListener("drop", function (event) {
        event.preventDefault();
        target.classList.remove("drag-over");
        if (!dragged) return;
        var data = new FormData();
        data.append("besok", dragged.dataset.besok);
        data.append("ansatt", target.dataset.ansatt || "");
        data.append("versjon", board.dataset.versjon);
        if (target.dataset.ansatt) data.append("start", hhmm(minutesAt(target, event.clientX - grabOffset, board)));
        say("Sjekker flyttingen …", true);
        fetch(board.dataset.flyttUrl, {
          method: "POST",
          body: data,
          headers: { "X-CSRFToken": csrf(), "Accept": "application/json" },
          credentials: "same-origin"
        }).then(function (response) { return response.json(); }).then(function (answer) {
          if (answer.ok) {
            say(["Flyttet."].concat(answer.warnings).join(" "), true);
            window.location.reload();
          } else {
            say("Flyttingen ble avvist: " + answer.reasons.join(" "), false);
          }
        }).catch(function () {
          say("Flyttingen kunne ikke sendes. Sjekk nettet og prøv igjen.", false);
        });
        dragged = null;
      });
    });
  });
})();
