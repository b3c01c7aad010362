// The kg serve page: run SPARQL from the editor or a stored query, show the result as a table.
"use strict";

const statusLine = document.getElementById("status");
const results = document.getElementById("results");
const editor = document.getElementById("query");

function showStatus(text, isError) {
  statusLine.textContent = text;
  statusLine.classList.toggle("error", Boolean(isError));
}

const PREFIXES = [
  ["kgr:", "https://w3id.org/als-kg/resource/"],
  ["kgo:", "https://w3id.org/als-kg/ontology#"],
];

function compact(iri) {
  for (const [prefix, namespace] of PREFIXES) {
    if (iri.startsWith(namespace)) return prefix + iri.slice(namespace.length);
  }
  return iri;
}

function cell(term) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri") {
    const link = document.createElement("a");
    link.href = term.value;
    link.textContent = compact(term.value);
    link.title = term.value;
    link.rel = "noopener noreferrer";
    td.appendChild(link);
  } else {
    td.textContent = term.value;
  }
  return td;
}

function showResult(contentType, body, label) {
  results.replaceChildren();
  if (!contentType.includes("json")) {
    const pre = document.createElement("pre");
    pre.textContent = body;
    results.appendChild(pre);
    showStatus(label + ": graph result.");
    return;
  }
  const data = JSON.parse(body);
  if (typeof data.boolean === "boolean") {
    const p = document.createElement("p");
    p.id = "ask-answer";
    p.textContent = String(data.boolean);
    results.appendChild(p);
    showStatus(label + ": ASK answered.");
    return;
  }
  const vars = data.head.vars;
  const rows = data.results.bindings;
  const table = document.createElement("table");
  table.id = "result-table";
  const head = table.createTHead().insertRow();
  for (const name of vars) {
    const th = document.createElement("th");
    th.textContent = name;
    head.appendChild(th);
  }
  const tbody = table.createTBody();
  for (const row of rows) {
    const tr = tbody.insertRow();
    for (const name of vars) tr.appendChild(cell(row[name]));
  }
  results.appendChild(table);
  showStatus(label + ": " + rows.length + (rows.length === 1 ? " row." : " rows."));
}

async function run(url, options, label) {
  showStatus(label + ": running…");
  results.replaceChildren();
  document.getElementById("output").scrollIntoView({ block: "start" });
  try {
    const response = await fetch(url, options);
    const body = await response.text();
    if (!response.ok) {
      showStatus(label + ": HTTP " + response.status + ": " + body.trim(), true);
      return;
    }
    showResult(response.headers.get("Content-Type") || "", body, label);
  } catch (error) {
    showStatus(label + ": " + error, true);
  }
}

const ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";

function runEditor() {
  run("/sparql", {
    method: "POST",
    headers: { "Content-Type": "application/sparql-query", "Accept": ACCEPT },
    body: editor.value,
  }, "Your query");
}

function storedQueryItem(query) {
  const item = document.createElement("li");
  item.className = "stored-query";
  item.dataset.query = query.name;
  const title = document.createElement("h3");
  title.textContent = query.title;
  const name = document.createElement("div");
  name.className = "name";
  name.textContent = query.name;
  const description = document.createElement("p");
  description.textContent = query.description;
  item.append(title, name, description);
  const inputs = [];
  for (const param of query.params) {
    const label = document.createElement("label");
    label.textContent = param.name
      + (param.required ? " (required)" : param.default ? " (default: " + param.default + ")" : " (optional)")
      + (param.description ? ": " + param.description : "");
    const input = document.createElement("input");
    input.name = param.name;
    input.placeholder = param.example ? "e.g. " + param.example : "";
    input.value = param.required && param.example ? param.example : "";
    label.appendChild(input);
    item.appendChild(label);
    inputs.push(input);
  }
  const runButton = document.createElement("button");
  runButton.type = "button";
  runButton.className = "run";
  runButton.textContent = "Run";
  runButton.addEventListener("click", () => {
    const params = new URLSearchParams();
    for (const input of inputs) if (input.value.trim()) params.set(input.name, input.value.trim());
    const query = params.toString() ? "?" + params : "";
    run("/queries/" + encodeURIComponent(item.dataset.query) + query,
      { headers: { "Accept": ACCEPT } }, query.length ? item.dataset.query + query : item.dataset.query);
  });
  const editButton = document.createElement("button");
  editButton.type = "button";
  editButton.className = "edit";
  editButton.textContent = "Edit";
  editButton.addEventListener("click", () => { editor.value = query.text; editor.focus(); });
  // A permalink opens this page on this query, with the parameters filled in, and runs it.
  item.id = "query-" + query.name;
  const permalink = document.createElement("a");
  permalink.className = "permalink";
  permalink.textContent = "Permalink";
  const linkTo = () => {
    const params = new URLSearchParams({ query: query.name });
    for (const input of inputs) if (input.value.trim()) params.set(input.name, input.value.trim());
    return "#" + params;
  };
  permalink.href = linkTo();
  for (const input of inputs) input.addEventListener("input", () => { permalink.href = linkTo(); });
  const buttons = document.createElement("p");
  buttons.append(runButton, " ", editButton, " ", permalink);
  item.appendChild(buttons);
  return item;
}

function openPermalink() {
  const params = new URLSearchParams(location.hash.slice(1));
  const name = params.get("query");
  const item = name && document.getElementById("query-" + name);
  if (!item) return;
  for (const input of item.querySelectorAll("input")) {
    if (params.has(input.name)) input.value = params.get(input.name);
  }
  item.scrollIntoView();
  item.querySelector("button.run").click();
}

async function loadStoredQueries() {
  const list = document.getElementById("stored-queries");
  try {
    const response = await fetch("/queries");
    const queries = await response.json();
    list.replaceChildren(...queries.map(storedQueryItem));
    document.body.dataset.ready = "true";
    openPermalink();
  } catch (error) {
    showStatus("Cannot list the stored queries: " + error, true);
  }
}

// What needs checking, as of the day chosen (empty: today, as the server decides).
const CHECK_COLUMNS = [["therapyLabel", "Therapy"], ["check", "Check"], ["itemLabel", "Record"],
  ["date", "Date"], ["reason", "Why"]];

async function loadChecks() {
  const status = document.getElementById("checks-status");
  const box = document.getElementById("checks");
  const asOf = document.getElementById("checks-as-of").value;
  status.textContent = "Checking…";
  box.replaceChildren();
  try {
    const url = "/queries/needs-checking" + (asOf ? "?asOf=" + encodeURIComponent(asOf) : "");
    const response = await fetch(url, { headers: { "Accept": "application/sparql-results+json" } });
    const body = await response.text();
    if (!response.ok) {
      status.textContent = "HTTP " + response.status + ": " + body.trim();
      status.classList.add("error");
      return;
    }
    status.classList.remove("error");
    const rows = JSON.parse(body).results.bindings;
    const table = document.createElement("table");
    table.id = "checks-table";
    const head = table.createTHead().insertRow();
    for (const [, title] of CHECK_COLUMNS) {
      const th = document.createElement("th");
      th.textContent = title;
      head.appendChild(th);
    }
    const tbody = table.createTBody();
    for (const row of rows) {
      const tr = tbody.insertRow();
      tr.className = "check-" + (row.check ? row.check.value.replace(/ /g, "-") : "");
      for (const [name] of CHECK_COLUMNS) tr.appendChild(cell(row[name]));
    }
    box.appendChild(table);
    status.textContent = (asOf ? "As of " + asOf : "As of today") + ": " + rows.length
      + (rows.length === 1 ? " record needs" : " records need") + " checking.";
  } catch (error) {
    status.textContent = "Cannot check: " + error;
    status.classList.add("error");
  }
}

document.getElementById("checks-run").addEventListener("click", loadChecks);
document.getElementById("run").addEventListener("click", runEditor);
editor.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) runEditor();
});
window.addEventListener("hashchange", openPermalink);
loadStoredQueries();
loadChecks();
