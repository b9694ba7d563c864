/* Draws every <figure class="chart"> from its embedded JSON spec (see baton/web/charts.py).
   The table beside each chart holds the same numbers; this only adds the picture. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  Chart.defaults.color = "#24292f";
  Chart.defaults.animation = false;

  function axis(title, stacked, percent) {
    var a = { stacked: stacked, title: { display: true, text: title } };
    if (percent) {
      a.ticks = { callback: function (v) { return Math.round(v * 100) + " %"; } };
    }
    return a;
  }

  function draw(figure) {
    var spec = JSON.parse(figure.querySelector("script.chart-spec").textContent);
    var stacked = spec.kind === "stacked";
    var horizontal = spec.kind === "hbar";
    var type = spec.kind === "line" ? "line" : "bar";
    var datasets = spec.series.map(function (s) {
      return {
        label: s.label, data: s.data, backgroundColor: s.color, borderColor: s.color,
        borderWidth: type === "line" ? 2 : 0, pointRadius: type === "line" ? 3 : 0,
        spanGaps: true, tension: 0
      };
    });
    var x = axis(spec.x_label, stacked, false);
    var y = axis(spec.y_label, stacked, spec.percent);
    y.beginAtZero = true;
    new Chart(figure.querySelector("canvas"), {
      type: type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true, maintainAspectRatio: false,
        plugins: { legend: { display: datasets.length > 1, position: "bottom" } },
        scales: horizontal ? { x: y, y: x } : { x: x, y: y }
      }
    });
  }

  document.querySelectorAll("figure.chart").forEach(draw);
})();
