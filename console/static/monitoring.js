/* Draws the dashboard charts from the figures the server computed (#chart-data);
   no numbers are computed here. Chart.js is served by the console (static/vendor). */
(function () {
  "use strict";
  var holder = document.getElementById("chart-data");
  if (!holder || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(holder.textContent || "{}");
  var colors = ["#1f6f8b", "#e07a1f", "#4c9a2a", "#9b3d8f", "#c0392b"];
  var fmt = new Intl.NumberFormat("id-ID");
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = data[canvas.getAttribute("data-chart")];
    if (!spec) { return; }
    var chart = new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (ds, i) {
          return { label: ds.label, data: ds.data, borderColor: colors[i % colors.length],
                   backgroundColor: colors[i % colors.length], tension: 0.2 };
        })
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false, locale: "id-ID",
        scales: { y: { beginAtZero: true, ticks: { precision: 0, callback: function (v) { return fmt.format(v); } } } },
        plugins: { legend: { display: spec.datasets.length > 1 } }
      }
    });
    canvas.setAttribute("data-rendered", "1");
    canvas.chart = chart;
  });
}());
