// The reports page's charts: each canvas names its data (data-chart) in the JSON the page
// carries (no inline script); every canvas gets its figures as data attributes too.
(function () {
  const charts = JSON.parse(document.getElementById("report-data").textContent);
  const colours = ["#0b62c4", "#17702d", "#b25e00", "#7a3db8", "#b3131b", "#127a7a",
                   "#5b6776", "#c9a400", "#d1477a", "#3d7a17", "#2b3f8f", "#8a5a2b"];

  function datasets(chart) {
    if (chart.type === "pie") {
      return chart.series.map((s) => ({
        label: s.label, data: s.data,
        backgroundColor: s.data.map((_, i) => colours[i % colours.length]),
      }));
    }
    return chart.series.map((s, i) => ({
      label: s.label, data: s.data, spanGaps: true, tension: 0.2,
      borderColor: colours[i % colours.length], backgroundColor: colours[i % colours.length],
    }));
  }

  function scales(chart) {
    if (chart.type === "pie") {
      return {};
    }
    const y = { beginAtZero: true, ticks: { precision: 0 } };
    if (chart.percent) {
      y.max = 100;
      y.ticks = { callback: (value) => value + "%" };
    }
    return { y: y };
  }

  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const chart = charts[canvas.dataset.chart];
    if (!chart) {
      return;
    }
    canvas.dataset.keys = JSON.stringify(chart.keys);
    canvas.dataset.series = JSON.stringify(chart.series.map((s) => ({ key: s.key, data: s.data })));
    if (chart.keys.length === 0) {
      canvas.closest(".chart").classList.add("empty");
    }
    new Chart(canvas, {
      type: chart.type,
      data: { labels: chart.labels, datasets: datasets(chart) },
      options: { animation: false, responsive: true, maintainAspectRatio: false,
                 scales: scales(chart) },
    });
  });
})();
