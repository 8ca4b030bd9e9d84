// Occupation pickers (core.forms.OccupationPicker): type to search, click to choose, × to remove.
(function () {
  function chip(occ, name) {
    const span = document.createElement("span");
    span.className = "badge text-bg-info occupation-chip";
    span.textContent = occ.code + " " + occ.name;
    const hidden = document.createElement("input");
    hidden.type = "hidden"; hidden.name = name; hidden.value = occ.id;
    const close = document.createElement("button");
    close.type = "button"; close.className = "btn-close btn-close-white ms-1";
    close.setAttribute("aria-label", document.documentElement.lang === "en" ? "Remove" : "移除");
    span.append(hidden, close);
    return span;
  }
  document.querySelectorAll(".occupation-picker").forEach(function (picker) {
    const input = picker.querySelector("input[type=search]");
    const results = picker.querySelector(".occupation-results");
    const chosen = picker.querySelector(".occupation-chosen");
    const multiple = picker.hasAttribute("data-multiple");
    chosen.addEventListener("click", function (e) {
      if (e.target.classList.contains("btn-close")) e.target.closest(".occupation-chip").remove();
    });
    let timer;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(async function () {
        const q = input.value.trim();
        results.replaceChildren();
        if (!q) return;
        const resp = await fetch(picker.dataset.searchUrl + "?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}});
        const data = await resp.json();
        for (const occ of data.results) {
          const btn = document.createElement("button");
          btn.type = "button"; btn.className = "list-group-item list-group-item-action small";
          btn.textContent = occ.code + " " + occ.name + "（" + occ.path + "）";
          btn.addEventListener("click", function () {
            if (!multiple) chosen.replaceChildren();
            if (!chosen.querySelector('input[value="' + occ.id + '"]')) chosen.append(chip(occ, picker.dataset.name));
            results.replaceChildren(); input.value = "";
          });
          results.append(btn);
        }
        if (!data.results.length) {
          const p = document.createElement("div");
          p.className = "list-group-item small text-muted";
          p.textContent = document.documentElement.lang === "en" ? "No matching occupation" : "没有找到匹配的职业";
          results.append(p);
        }
      }, 250);
    });
  });
})();
