// Small progressive enhancements shared by every page. Everything works without this file.
(function () {
  "use strict";

  // A table that scrolls sideways (on a phone) must be reachable by keyboard (WCAG 2.1.1):
  // give each scroll box focus and a name taken from the nearest heading before it. A group, not
  // a region: the section around it often is the region already, and landmarks must not repeat.
  function labelScrollBoxes(root) {
    root.querySelectorAll(".table-wrap:not([tabindex])").forEach(function (box) {
      box.setAttribute("tabindex", "0");
      if (!box.hasAttribute("role")) box.setAttribute("role", "group");
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        var caption = box.querySelector("caption");
        var label = caption ? caption.textContent : "";
        var node = box;
        while (!label && node) {
          var prev = node.previousElementSibling;
          while (prev && !/^H[1-6]$/.test(prev.tagName)) prev = prev.previousElementSibling;
          if (prev) label = prev.textContent;
          node = node.parentElement;
        }
        box.setAttribute("aria-label", ("Tabell: " + (label || "")).trim());
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { labelScrollBoxes(document); });
  document.addEventListener("htmx:afterSwap", function (event) { labelScrollBoxes(event.target.parentElement || document); });
})();
