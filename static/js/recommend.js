/* The diagnosis charts (Chart.js, vendored): a radar of the six levels and one small line
   chart per indicator over the fiscal years. Data comes from json_script (CSP: no inline JS). */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("diagnosis-data");
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var radar = document.getElementById("radar-chart");
    if (radar) {
      new Chart(radar, {
        type: "radar",
        data: { labels: data.labels, datasets: [{ label: data.level_label, data: data.levels, fill: true,
          backgroundColor: "rgba(0, 23, 193, 0.15)", borderColor: "#0017c1", pointBackgroundColor: "#0017c1" }] },
        options: { animation: false, scales: { r: { min: 0, max: 5, ticks: { stepSize: 1 } } } }
      });
    }
    var holder = document.getElementById("series-charts");
    if (!holder) return;
    data.series.forEach(function (series, index) {
      var figure = document.createElement("figure");
      figure.className = "card series-chart";
      var canvas = document.createElement("canvas");
      canvas.id = "series-chart-" + index;
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", series.label);
      figure.appendChild(canvas);
      holder.appendChild(figure);
      new Chart(canvas, {
        type: "line",
        data: { labels: series.years, datasets: [{ label: series.label, data: series.values, borderColor: "#0017c1", spanGaps: true }] },
        options: { animation: false, plugins: { legend: { display: true } } }
      });
    });
    document.body.setAttribute("data-charts-ready", "true");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
