/* The portal's only script besides the vendored libraries. The Content-Security-Policy allows scripts
   from this site only and no inline script, style attribute or event-handler attribute, so pages say
   what they need with data-* attributes and this file wires them up. */
(function () {
  "use strict";

  function $(selector) { return selector ? document.querySelector(selector) : null; }

  // <select data-autosubmit>: submit its form on change (language switch, district picker).
  document.addEventListener("change", function (ev) {
    if (ev.target.matches("[data-autosubmit]") && ev.target.form) { ev.target.form.submit(); }
  });

  // <form data-confirm="…">: ask before submitting.
  document.addEventListener("submit", function (ev) {
    var message = ev.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { ev.preventDefault(); }
  }, true);

  // <button data-locate data-lat="#id_lat" data-lng="#id_lng" data-status="#…" [data-submit="#form"]
  //   [data-sort="#id_sort"] data-msg-unsupported data-msg-locating data-msg-failed [data-msg-done]>
  function locate(button) {
    var status = $(button.dataset.status) || {};
    if (!navigator.geolocation) { status.textContent = button.dataset.msgUnsupported || ""; return; }
    status.textContent = button.dataset.msgLocating || "";
    navigator.geolocation.getCurrentPosition(function (pos) {
      $(button.dataset.lat).value = pos.coords.latitude.toFixed(6);
      $(button.dataset.lng).value = pos.coords.longitude.toFixed(6);
      var sort = $(button.dataset.sort);
      if (sort && !sort.value) { sort.value = "distance"; }
      if (button.dataset.msgDone) { status.textContent = button.dataset.msgDone; }
      var form = $(button.dataset.submit);
      if (form) { form.submit(); }
    }, function () {
      status.textContent = button.dataset.msgFailed || "";
    }, {timeout: 10000, maximumAge: 60000});
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest("[data-locate]");
    if (button) { locate(button); return; }
    // station form: "采用" the suggested standard name
    if (ev.target.id === "apply-suggestion") { $("#id_name").value = ev.target.dataset.name; }
  });

  // [data-percent]: progress bars (a width set from script, not a style attribute).
  function bars(root) {
    (root || document).querySelectorAll("[data-percent]").forEach(function (el) {
      el.style.width = el.getAttribute("data-percent") + "%";
    });
  }

  // Occupation picker of the archive form.
  function occupationPicker() {
    var picker = document.getElementById("occupation-picker");
    if (!picker) { return; }
    var input = document.getElementById("occupation-search");
    var results = document.getElementById("occupation-results");
    var chosen = document.getElementById("occupation-chosen");
    chosen.addEventListener("click", function (e) {
      if (e.target.classList.contains("btn-close")) { e.target.closest(".occupation-chip").remove(); }
    });
    var timer;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(async function () {
        var q = input.value.trim();
        results.replaceChildren();
        if (!q) { return; }
        var resp = await fetch(picker.dataset.searchUrl + "?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}});
        var data = await resp.json();
        data.results.forEach(function (occ) {
          var btn = document.createElement("button");
          btn.type = "button"; btn.className = "list-group-item list-group-item-action small";
          btn.textContent = occ.code + " " + occ.name + "（" + occ.path + "）";
          btn.addEventListener("click", function () {
            if (!chosen.querySelector('input[value="' + occ.id + '"]')) {
              var chip = document.createElement("span");
              chip.className = "badge text-bg-info occupation-chip";
              chip.textContent = occ.code + " " + occ.name;
              var hidden = document.createElement("input");
              hidden.type = "hidden"; hidden.name = "desired_occupations"; hidden.value = occ.id;
              var close = document.createElement("button");
              close.type = "button"; close.className = "btn-close btn-close-white ms-1";
              close.setAttribute("aria-label", picker.dataset.msgRemove || "×");
              chip.append(hidden, close); chosen.append(chip);
            }
            results.replaceChildren(); input.value = "";
          });
          results.append(btn);
        });
        if (!data.results.length) {
          var p = document.createElement("div"); p.className = "list-group-item small text-muted";
          p.textContent = picker.dataset.msgNone || ""; results.append(p);
        }
      }, 250);
    });
  }

  function ready() { bars(); occupationPicker(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
  document.addEventListener("htmx:afterSwap", function (ev) { bars(ev.target); });
})();
