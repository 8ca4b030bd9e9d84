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

  // A street list that follows the chosen district: a street of another district is hidden and cannot
  // be chosen (options carry data-district; job search's 区 and 街镇 selects).
  document.addEventListener("change", function (ev) {
    if (ev.target.name !== "district" || !ev.target.form) { return; }
    var street = ev.target.form.querySelector("select[name=street]");
    if (!street) { return; }
    var district = ev.target.value;
    Array.prototype.forEach.call(street.options, function (o) {
      var other = district !== "" && o.dataset.district !== undefined && o.dataset.district !== district;
      o.hidden = other; o.disabled = other;
    });
    if (street.selectedOptions.length && street.selectedOptions[0].disabled) { street.value = ""; }
  });

  function ready() { bars(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
  document.addEventListener("htmx:afterSwap", function (ev) { bars(ev.target); });
})();
