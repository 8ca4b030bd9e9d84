// Dashboard: sortable breakdown tables and the trends chart (data from the #trend-data JSON block).
(function () {
  "use strict";
  document.querySelectorAll("table.js-sortable").forEach(function (table) {
    table.querySelectorAll("button.js-sort").forEach(function (button) {
      button.addEventListener("click", function () {
        var column = Number(button.dataset.column);
        var numeric = button.dataset.numeric === "1";
        var descending = button.dataset.order !== "desc";
        button.dataset.order = descending ? "desc" : "asc";
        table.querySelectorAll("th[aria-sort]").forEach(function (th) { th.removeAttribute("aria-sort"); });
        button.parentElement.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column], y = b.cells[column];
          var c = numeric ? Number(x.dataset.sortValue) - Number(y.dataset.sortValue)
            : x.textContent.trim().localeCompare(y.textContent.trim(), "zh-Hans-CN");
          return descending ? -c : c;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
  var data = document.getElementById("trend-data");
  var target = document.getElementById("trend-chart");
  if (data && target && window.echarts) {
    var chart = JSON.parse(data.textContent);
    var plot = window.echarts.init(target);
    plot.setOption({
      tooltip: { trigger: "axis" },
      legend: { type: "scroll" },
      grid: { left: 40, right: 16, top: 40, bottom: 30 },
      xAxis: { type: "category", data: chart.months },
      yAxis: { type: "value" },
      series: chart.series.map(function (s) { return { name: s.name, type: "line", data: s.data }; })
    });
    window.addEventListener("resize", function () { plot.resize(); });
  }
})();

// An operator's approved GeoJSON (DASHBOARD_MAP_GEOJSON) instead of the tile map: features named like the table rows.
(function () {
  "use strict";
  var target = document.getElementById("geo-map");
  var data = document.getElementById("map-data");
  if (!target || !data || !window.echarts) { return; }
  var values = JSON.parse(data.textContent);
  fetch(target.dataset.geojsonUrl, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (geo) {
      window.echarts.registerMap("portal", geo);
      var top = Math.max.apply(null, values.map(function (v) { return v.value; }).concat([1]));
      window.echarts.init(target).setOption({
        tooltip: { trigger: "item" },
        visualMap: { min: 0, max: top, left: "left", bottom: 0, calculable: true },
        series: [{ type: "map", map: "portal", nameProperty: "name", data: values }]
      });
    });
})();
