// migratielab dashboard: draw the embedded plotly figures; on pages with levers, fetch new results
// when a lever changes and redraw them without reloading. Without JavaScript the forms still work
// (every field stays active and the button submits the form).
"use strict";

// topojsonURL: plotly fetches its world base map from the CDN by default; ours is an empty local file.
const PLOT_CONFIG = { responsive: true, displaylogo: false, topojsonURL: "/static/" };
const POLL_MS = 1500;

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
  const progress = document.getElementById("progress");
  if (progress) {
    progress.hidden = state !== "busy";
  }
}

function updateLanguageLink(query) {
  const link = document.getElementById("lang-switch");
  const params = new URLSearchParams(query);
  params.set("lang", link.dataset.lang);
  link.href = window.location.pathname + "?" + params.toString();
}

// Fields that the chosen rule ignores (data-active="select=value") are greyed out and disabled.
function updateActiveFields(form) {
  for (const element of form.querySelectorAll("[data-active]")) {
    const [name, value] = element.dataset.active.split("=");
    const active = form.elements[name].value === value;
    element.classList.toggle("inactive", !active);
    for (const input of element.querySelectorAll("input, select")) {
      input.disabled = !active;
    }
  }
}

// A refused request: the server's message (in the page's language, naming the field) next to the
// button, the refused fields marked, and the results of the last valid request dimmed with a note.
function showRefusal(form, status, body) {
  setStatus(status, "failed", status.dataset.refused + ": " + body.detail);
  for (const name of body.fields || []) {
    const input = form.elements[name];
    if (input instanceof Element) {
      input.setAttribute("aria-invalid", "true");
    }
  }
  markStale(true);
  status.scrollIntoView({ block: "nearest" });
}

function clearRefusal(form) {
  for (const input of form.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
  }
}

function markStale(stale) {
  const results = document.getElementById("results");
  const status = document.getElementById("status");
  results.classList.toggle("stale", stale);
  let note = document.getElementById("stale-note");
  if (stale && !note) {
    note = document.createElement("p");
    note.id = "stale-note";
    note.textContent = status.dataset.stale;
    results.prepend(note);
  } else if (!stale && note) {
    note.remove();
  }
}

function liveForm(form) {
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  let pending = null;
  let timer = null;
  let clock = null;
  let done = null; // fraction done that the server reported (X-Progress on a 202 answer)
  function startClock() {
    const started = Date.now();
    const bar = document.getElementById("progress");
    done = null;
    if (bar) {
      bar.removeAttribute("value");
    }
    clearInterval(clock);
    setStatus(status, "busy", status.dataset.busy);
    clock = setInterval(() => {
      const seconds = Math.round((Date.now() - started) / 1000);
      const share = done === null ? "" : " " + Math.round(done * 100) + "%,";
      status.textContent = status.dataset.busy + share + " " + seconds + " s";
    }, 500);
  }
  async function fetchResults(query, signal) {
    for (;;) {
      const response = await fetch(form.dataset.live + "?" + query, { signal });
      if (response.status !== 202) {
        return response;
      }
      const reported = response.headers.get("X-Progress");
      const bar = document.getElementById("progress");
      if (reported !== null && bar) {
        done = Number(reported);
        bar.max = 1;
        bar.value = done;
      }
      status.title = status.dataset.pending;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  async function refresh() {
    const query = new URLSearchParams(new FormData(form)).toString();
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    startClock();
    try {
      const response = await fetchResults(query, pending.signal);
      const body = await response.json();
      clearInterval(clock);
      clearRefusal(form);
      if (!response.ok) {
        showRefusal(form, status, body);
        return;
      }
      results.innerHTML = body.html;
      results.classList.remove("stale");
      drawFigures(body.figures);
      // A new history entry per accepted change: Back returns to the levers before it (popstate).
      if (window.location.search !== "?" + query) {
        window.history.pushState(null, "", window.location.pathname + "?" + query);
      }
      updateLanguageLink(query);
      status.dataset.revision = String(Number(status.dataset.revision) + 1);
      setStatus(status, "ready", status.dataset.ready);
    } catch (error) {
      if (error.name !== "AbortError") {
        clearInterval(clock);
        setStatus(status, "failed", status.dataset.failed);
        markStale(true);
      }
    }
  }
  form.addEventListener("change", () => {
    updateActiveFields(form);
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    refresh();
  });
  updateActiveFields(form);
  // The server checks the levers and answers in the page's language (the browser's own bubbles would
  // block the request and speak the browser's language); without JavaScript the browser still checks.
  form.noValidate = true;
  // Back or Forward to another set of levers: load that address (the server renders its form and results).
  window.addEventListener("popstate", () => window.location.reload());
}

document.addEventListener("DOMContentLoaded", () => {
  drawFigures(JSON.parse(document.getElementById("figures").textContent));
  const form = document.querySelector("form[data-live]");
  if (form) {
    liveForm(form);
  }
});
