/* Charts of the analytics pages (Chart.js from static/vendor). Data comes from
   json_script elements; the CSP forbids inline scripts. Every chart has a table beside it. */
(function () {
  "use strict";
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var BLUE = "#0017c1", ORANGE = "#b34700", GREY = "#767676";

  function breakdown(canvasId, dataId, kind) {
    var d = data(dataId), canvas = document.getElementById(canvasId);
    if (!d || !canvas || typeof Chart === "undefined") return;
    new Chart(canvas, {
      type: kind,
      data: {
        labels: d.labels,
        datasets: [
          { label: d.names.applications, data: d.applications, backgroundColor: "#93abe3", borderColor: "#4f72cf", yAxisID: "y" },
          { label: d.names.adopted, data: d.adopted, backgroundColor: BLUE, borderColor: BLUE, yAxisID: "y" },
          { label: d.names.rate, data: d.rate, type: "line", borderColor: ORANGE, backgroundColor: ORANGE, yAxisID: "rate" }
        ]
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { beginAtZero: true }, rate: { position: "right", beginAtZero: true, max: 100, grid: { drawOnChartArea: false } } }
      }
    });
  }

  function eventStudy() {
    var d = data("chart-es-data"), canvas = document.getElementById("chart-es");
    if (!d || !canvas || typeof Chart === "undefined") return;
    new Chart(canvas, {
      type: "line",
      data: {
        labels: d.labels,
        datasets: [
          { label: d.names.high, data: d.high, borderColor: GREY, borderDash: [4, 4], pointRadius: 0, fill: false },
          { label: d.names.coef, data: d.coef, borderColor: BLUE, backgroundColor: BLUE, pointRadius: 4 },
          { label: d.names.low, data: d.low, borderColor: GREY, borderDash: [4, 4], pointRadius: 0, fill: false }
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false }
    });
  }

  function means() {
    var d = data("chart-means-data"), canvas = document.getElementById("chart-means");
    if (!d || !canvas || typeof Chart === "undefined") return;
    new Chart(canvas, {
      type: "line",
      data: { labels: d.labels, datasets: [
        { label: d.names.treated, data: d.treated, borderColor: BLUE, backgroundColor: BLUE },
        { label: d.names.control, data: d.control, borderColor: ORANGE, backgroundColor: ORANGE }
      ] },
      options: { responsive: true, maintainAspectRatio: false, animation: false }
    });
  }

  function mapping(period) {
    var d = data("chart-map-data"), canvas = document.getElementById("chart-map-" + period);
    if (!d || !canvas || typeof Chart === "undefined") return;
    function pts(list) { return (list || []).map(function (p) { return { x: p[0], y: p[1] }; }); }
    new Chart(canvas, {
      type: "scatter",
      data: { datasets: [
        { label: d.names.treated, data: pts(d[period].treated), backgroundColor: BLUE, pointRadius: 3 },
        { label: d.names.control, data: pts(d[period].control), backgroundColor: ORANGE, pointRadius: 3, pointStyle: "triangle" }
      ] },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
        scales: { x: { title: { display: true, text: d.names.x } }, y: { title: { display: true, text: d.names.y } } } }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    breakdown("chart-main", "chart-main-data", "bar");
    breakdown("chart-trend", "chart-trend-data", "line");
    eventStudy();
    means();
    mapping("before");
    mapping("after");
  });
})();
