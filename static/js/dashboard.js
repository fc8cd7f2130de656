/* Dashboard pages: sortable tables, ECharts map / bar / trend charts.
   Everything is served from /static (ECharts vendored under static/vendor/echarts). */
(function () {
  "use strict";

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function num(value) {
    var n = parseFloat(value);
    return isNaN(n) ? null : n;
  }
  var labels = readJSON("chart-labels") || {};
  window.dashboardCharts = {};

  // --- sortable tables: header cells map to body columns through rowspan/colspan ----------------
  function headerColumns(thead) {
    var grid = [];
    var map = new Map();
    Array.prototype.forEach.call(thead.rows, function (row, r) {
      grid[r] = grid[r] || [];
      var c = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        while (grid[r][c]) { c++; }
        var rs = cell.rowSpan || 1, cs = cell.colSpan || 1;
        for (var i = 0; i < rs; i++) {
          grid[r + i] = grid[r + i] || [];
          for (var j = 0; j < cs; j++) { grid[r + i][c + j] = true; }
        }
        if (cs === 1) { map.set(cell, c); }
        c += cs;
      });
    });
    return map;
  }
  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    var columns = headerColumns(table.tHead);
    table.querySelectorAll("th.sortable").forEach(function (th) {
      th.tabIndex = 0;
      th.setAttribute("role", "button");
      function sort() {
        var col = columns.get(th);
        var asc = !th.classList.contains("sort-asc");
        table.querySelectorAll("th.sortable").forEach(function (h) { h.classList.remove("sort-asc", "sort-desc"); });
        th.classList.add(asc ? "sort-asc" : "sort-desc");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute("data-value"), y = b.cells[col].getAttribute("data-value");
          var nx = num(x), ny = num(y), result;
          if (nx !== null && ny !== null) { result = nx - ny; } else { result = String(x).localeCompare(String(y), "zh-CN"); }
          return asc ? result : -result;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  });

  if (typeof window.echarts === "undefined") { return; }
  var charts = [];
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  // Tooltips drawn on the canvas: ECharts' HTML tooltips carry style="" attributes, which the
  // Content-Security-Policy (style-src 'self') refuses.
  var TOOLTIP_MODE = "richText";

  function pct(v) { return v === null || v === undefined ? "—" : v + "%"; }

  // --- map + bar chart of the dashboard ---------------------------------------------------------
  var mapData = readJSON("map-data");
  var mapEl = document.getElementById("progress-map");
  var barEl = document.getElementById("progress-chart");
  if (mapData && barEl) {
    var bar = echarts.init(barEl);
    charts.push(bar);
    window.dashboardCharts.bar = bar;
    var expected = mapData.length ? num(mapData[0].expected) : null;
    bar.setOption({
      tooltip: { trigger: "axis", renderMode: TOOLTIP_MODE },
      grid: { left: 48, right: 16, top: 24, bottom: 72 },
      xAxis: { type: "category", data: mapData.map(function (d) { return d.name; }), axisLabel: { rotate: 45 } },
      yAxis: { type: "value", name: "%", max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); } },
      series: [{
        name: labels.rate, type: "bar",
        data: mapData.map(function (d) { return num(d.rate) || 0; }),
        itemStyle: { color: "#1565c0" },
        markLine: expected === null ? undefined : {
          symbol: "none", label: { position: "insideEndTop", formatter: labels.planned + " {c}%" },
          lineStyle: { color: "#b71c1c", type: "dashed" }, data: [{ yAxis: expected }]
        }
      }]
    });
  }
  if (mapData && mapEl) {
    var byCode = {};
    mapData.forEach(function (d) { byCode[d.code] = d; });
    var mapChart = echarts.init(mapEl);
    charts.push(mapChart);
    window.dashboardCharts.map = mapChart;
    mapChart.showLoading();
    fetch(mapEl.getAttribute("data-geojson"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (geojson) {
        geojson.features.forEach(function (f) { f.properties.code = String(f.id); });
        echarts.registerMap("yuncheng", geojson);
        mapChart.hideLoading();
        mapChart.setOption({
          tooltip: {
            trigger: "item",
            renderMode: TOOLTIP_MODE,
            textStyle: { rich: { b: { fontWeight: "bold" } } },
            formatter: function (p) {
              var d = byCode[p.name];
              if (!d) { return p.name + "\n" + labels.noData; }
              return "{b|" + d.name + "}\n" + labels.target + "：" + d.target + " " + labels.households +
                "\n" + labels.completed + "：" + d.completed + " " + labels.households +
                "\n" + labels.pending + "：" + d.pending + " " + labels.households +
                "\n" + labels.rate + "：" + pct(d.rate) + "（" + labels.planned + " " + pct(d.expected) + "）";
            }
          },
          visualMap: {
            min: 0, max: 100, calculable: true, left: 8, bottom: 8,
            formatter: function (v) { return Math.round(v) + "%"; },
            inRange: { color: ["#ffcdd2", "#fff59d", "#a5d6a7", "#2e7d32"] }
          },
          series: [{
            name: labels.rate, type: "map", map: "yuncheng", nameProperty: "code", roam: false,
            label: { show: true, fontSize: 11, formatter: function (p) { return byCode[p.name] ? byCode[p.name].name : ""; } },
            data: mapData.map(function (d) { return { name: d.code, value: d.rate === null ? null : num(d.rate) }; })
          }]
        });
        mapEl.setAttribute("data-rendered", "1");
      })
      .catch(function () { mapChart.hideLoading(); mapEl.textContent = labels.noData; });
  }

  // --- trend chart (trends page and county page) ------------------------------------------------
  var trend = readJSON("trend-data");
  var trendEl = document.getElementById("trend-chart");
  if (trend && trendEl) {
    var series = [
      { name: trend.city.name, type: "line", data: trend.city.rate.map(num), lineStyle: { width: 4 }, symbolSize: 8 },
      { name: trend.labels.planned, type: "line", data: trend.city.planned.map(num), lineStyle: { type: "dashed", color: "#b71c1c" }, itemStyle: { color: "#b71c1c" } }
    ];
    trend.counties.forEach(function (c) {
      series.push({ name: c.name, type: "line", data: c.rate.map(num), lineStyle: { width: 1 }, symbolSize: 4 });
    });
    var selected = {};
    trend.counties.forEach(function (c) { selected[c.name] = trend.counties.length <= 4; });
    var chart = echarts.init(trendEl);
    charts.push(chart);
    window.dashboardCharts.trend = chart;
    chart.setOption({
      tooltip: { trigger: "axis", renderMode: TOOLTIP_MODE, valueFormatter: function (v) { return pct(v); } },
      legend: { type: "scroll", top: 0, selected: selected },
      grid: { left: 48, right: 24, top: 48, bottom: 32 },
      xAxis: { type: "category", data: trend.periods },
      yAxis: { type: "value", name: "%", max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); } },
      series: series
    });
  }
})();
