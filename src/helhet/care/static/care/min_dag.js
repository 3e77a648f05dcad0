/*
 * «Min dag» on a phone: progressive enhancement of the visit cards. Everything works without it.
 *
 * - Check-in: asks the phone for its position (optional, short timeout) and sends it in two hidden
 *   fields; the server only keeps whether it matched the address.
 * - No network: a check-in, check-out or tick (forms marked data-ko) is kept in sessionStorage with
 *   the time it was tapped, and sent when the network is back, with the phone's clock at sending,
 *   so the server can date it by its own clock. The form's idempotency key goes with it: if the
 *   first attempt did reach the server, the repeat changes nothing. Notes and free-text reasons are
 *   not stored on the phone (health data): they stay in the form until they can be sent.
 * - After an action the card is replaced (HTMX); focus moves to its message.
 */
(function () {
  "use strict";

  var QUEUE_KEY = "helhet.besok.ko";
  var POSITION_TIMEOUT_MS = 4000;
  var replaying = false;
  var lastCardId = null;

  function nowIso() {
    return new Date().toISOString();
  }

  function loadQueue() {
    try {
      return JSON.parse(window.sessionStorage.getItem(QUEUE_KEY) || "[]");
    } catch (e) {
      return [];
    }
  }

  function saveQueue(queue) {
    try {
      if (queue.length) {
        window.sessionStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
      } else {
        window.sessionStorage.removeItem(QUEUE_KEY);
      }
    } catch (e) {
      /* storage full or disabled: nothing to do */
    }
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) {
      return input.value;
    }
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function showOffline(show) {
    var notice = document.querySelector("[data-offline-notice]");
    if (notice) {
      notice.hidden = !show;
    }
  }

  function say(card, text, kind) {
    var box = card && card.querySelector(".visit-messages");
    if (!box) {
      return;
    }
    box.innerHTML = "";
    var p = document.createElement("p");
    p.className = "notice " + kind;
    p.textContent = text;
    box.appendChild(p);
    box.focus();
  }

  function markQueued(form) {
    var card = form.closest(".visit-card");
    if (card) {
      card.classList.add("is-queued");
      say(card, "Lagret på telefonen kl. " + new Date().toLocaleTimeString("nb-NO", { hour: "2-digit", minute: "2-digit" }) +
        ". Sendes automatisk når du har nett igjen.", "warn");
    }
    form.querySelectorAll("button").forEach(function (b) {
      b.disabled = true;
    });
  }

  function enqueue(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") {
        fields.push([name, value]);
      }
    });
    var queue = loadQueue();
    queue.push({ url: form.action, fields: fields, tid: form.dataset.tapTid || nowIso() });
    saveQueue(queue);
    markQueued(form);
    showOffline(true);
  }

  function replay() {
    var queue = loadQueue();
    if (!queue.length || replaying || navigator.onLine === false) {
      return;
    }
    replaying = true;
    var item = queue[0];
    var body = new FormData();
    item.fields.forEach(function (pair) {
      body.append(pair[0], pair[1]);
    });
    var token = csrfToken();
    body.set("klient_tid", item.tid);
    body.set("klient_sendt", nowIso());
    body.set("csrfmiddlewaretoken", token);
    // redirect: "manual" keeps the server's message in the session for the reload below.
    fetch(item.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": token },
    })
      .then(function () {
        // The server has decided (done, recognised as a repeat, or refused with a message): drop it.
        var rest = loadQueue().slice(1);
        saveQueue(rest);
        replaying = false;
        if (rest.length) {
          replay();
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        replaying = false; // still no network: try again on the next "online"
      });
  }

  function withPosition(form, submitter) {
    var done = false;
    function go(position) {
      if (done) {
        return;
      }
      done = true;
      if (position) {
        form.querySelector("input[name=breddegrad]").value = position.coords.latitude.toFixed(6);
        form.querySelector("input[name=lengdegrad]").value = position.coords.longitude.toFixed(6);
      }
      form.dataset.posisjonKlar = "1";
      if (form.requestSubmit) {
        form.requestSubmit(submitter || undefined);
      } else {
        form.submit();
      }
    }
    window.setTimeout(function () {
      go(null);
    }, POSITION_TIMEOUT_MS + 500);
    navigator.geolocation.getCurrentPosition(
      go,
      function () {
        go(null);
      },
      { enableHighAccuracy: false, timeout: POSITION_TIMEOUT_MS, maximumAge: 60000 }
    );
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-besok")) {
        return;
      }
      if (!form.dataset.tapTid) {
        form.dataset.tapTid = nowIso();
      }
      var card = form.closest(".visit-card");
      lastCardId = card ? card.id : null;
      if (navigator.onLine === false && form.hasAttribute("data-ko")) {
        event.preventDefault();
        event.stopPropagation();
        enqueue(form);
        return;
      }
      if (form.hasAttribute("data-posisjon") && !form.dataset.posisjonKlar && navigator.geolocation) {
        event.preventDefault();
        event.stopPropagation();
        if (!form.dataset.posisjonVenter) {
          form.dataset.posisjonVenter = "1"; // a second tap while waiting does nothing
          withPosition(form, event.submitter);
        }
      }
    },
    true
  );

  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail && event.detail.elt;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-besok")) {
      return;
    }
    if (form.hasAttribute("data-ko")) {
      enqueue(form);
      return;
    }
    say(
      form.closest(".visit-card"),
      "Ikke sendt: du er uten nett. Teksten står igjen i skjemaet – send på nytt når du har dekning.",
      "danger"
    );
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!lastCardId) {
      return;
    }
    var card = document.getElementById(lastCardId);
    var box = card && card.querySelector(".visit-messages");
    if (box && box.children.length) {
      box.focus();
    }
    lastCardId = null;
  });

  window.addEventListener("online", function () {
    showOffline(loadQueue().length > 0);
    replay();
  });
  window.addEventListener("offline", function () {
    showOffline(true);
  });

  if (navigator.onLine === false) {
    showOffline(true);
  }
  replay();
})();
