// migratielab dashboard: draw the embedded plotly figures; on pages with levers, fetch new results
// when a lever changes and redraw them without reloading. Without JavaScript the forms still work.
"use strict";

// topojsonURL: plotly fetches its world base map from the CDN by default; ours is an empty local file.
const PLOT_CONFIG = { responsive: true, displaylogo: false, topojsonURL: "/static/" };

function drawFigures(figures) {
  for (const element of document.querySelectorAll("div.figure[data-figure]")) {
    const figure = figures[element.dataset.figure];
    if (figure) {
      Plotly.react(element, figure.data, figure.layout, PLOT_CONFIG);
    }
  }
}

function setStatus(status, state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

function updateLanguageLink(query) {
  const link = document.getElementById("lang-switch");
  const params = new URLSearchParams(query);
  params.set("lang", link.dataset.lang);
  link.href = window.location.pathname + "?" + params.toString();
}

function liveForm(form) {
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  let pending = null;
  let timer = null;
  async function refresh() {
    const query = new URLSearchParams(new FormData(form)).toString();
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    setStatus(status, "busy", status.dataset.busy);
    try {
      const response = await fetch(form.dataset.live + "?" + query, { signal: pending.signal });
      const body = await response.json();
      if (!response.ok) {
        const detail = Array.isArray(body.detail) ? body.detail.map((e) => e.msg).join("; ") : body.detail;
        setStatus(status, "failed", status.dataset.failed + ": " + detail);
        return;
      }
      results.innerHTML = body.html;
      drawFigures(body.figures);
      window.history.replaceState(null, "", window.location.pathname + "?" + query);
      updateLanguageLink(query);
      status.dataset.revision = String(Number(status.dataset.revision) + 1);
      setStatus(status, "ready", status.dataset.ready);
    } catch (error) {
      if (error.name !== "AbortError") {
        setStatus(status, "failed", status.dataset.failed);
      }
    }
  }
  form.addEventListener("change", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    refresh();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  drawFigures(JSON.parse(document.getElementById("figures").textContent));
  const form = document.querySelector("form[data-live]");
  if (form) {
    liveForm(form);
  }
});
