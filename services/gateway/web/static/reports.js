// The reports page's chart: its data is the JSON the page carries (no inline script).
(function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const colours = ["#0b62c4", "#17702d"];
  new Chart(document.getElementById("report-chart"), {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map((s, i) => ({ label: s.label, data: s.data, backgroundColor: colours[i % colours.length] })),
    },
    options: { animation: false, responsive: true, maintainAspectRatio: false,
               scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
})();
