// translate-flow review: the overview and the article view. Every text from a catalog, a
// glossary or a page goes into the document as a text node (el() below), never as markup.
"use strict";

const TOKEN = document.querySelector('meta[name="review-token"]').content;
const VIEW = document.body.dataset.view;
const main = document.getElementById("main");
const statusLine = document.getElementById("status");

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function say(text, bad) {
  statusLine.textContent = text;
  statusLine.classList.toggle("bad", Boolean(bad));
}

async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Review-Token": TOKEN },
    body: JSON.stringify(body),
  });
  return { status: response.status, data: await response.json() };
}

const path = (...parts) => parts.map((p) => p.split("/").map(encodeURIComponent).join("/")).join("/");

// --- the overview ----------------------------------------------------------------------

const COLUMNS = [
  ["article", "Article", "text"], ["language", "Language", "text"], ["reviewed", "Reviewed"],
  ["fuzzy", "Fuzzy"], ["untranslated", "Untranslated"], ["words", "Words"], ["done", "Done %"],
  ["approved", "Approved"], ["error", "Errors"], ["warning", "Warnings"], ["info", "Info"],
  ["quality", "Quality", "text"],
];

async function overview() {
  const data = await getJSON("/api/overview");
  const rows = data.rows.map((r) => ({ ...r, ...(r.findings || {}) }));
  const hasQuality = rows.some((r) => r.quality);
  const columns = COLUMNS.filter(([key]) => key !== "quality" || hasQuality);
  let sortKey = "article", ascending = true;
  const filter = el("input", { type: "search", id: "filter", placeholder: "Filter articles", "aria-label": "Filter articles" });
  const languages = [...new Set(rows.map((r) => r.language))];
  const language = el("select", { id: "language-filter", "aria-label": "Language" },
    el("option", { value: "" }, "All languages"), languages.map((l) => el("option", { value: l }, l)));
  const body = el("tbody");
  const sortBy = (key) => { ascending = sortKey === key ? !ascending : true; sortKey = key; draw(); };
  const heads = columns.map(([key, label, kind]) => el("th", {
    class: kind || "", "data-key": key, scope: "col", tabindex: 0,
    onclick: () => sortBy(key), onkeydown: (event) => { if (event.key === "Enter") sortBy(key); },
  }, label));
  function draw() {
    const wanted = filter.value.trim().toLowerCase();
    const shown = rows.filter((r) => (!wanted || r.article.toLowerCase().includes(wanted))
      && (!language.value || r.language === language.value));
    shown.sort((a, b) => {
      const x = a[sortKey] ?? "", y = b[sortKey] ?? "";
      const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return ascending ? order : -order;
    });
    for (const th of heads) th.setAttribute("aria-sort", th.dataset.key === sortKey ? (ascending ? "ascending" : "descending") : "none");
    body.replaceChildren(...shown.map((r) => el("tr", { "data-article": r.article, "data-language": r.language },
      columns.map(([key, , kind]) => {
        if (key === "article") {
          return el("td", { class: "text" }, el("a", { href: "/article/" + path(r.language, r.article) }, r.article));
        }
        if (r.problem && key !== "language") return key === "reviewed" ? el("td", { class: "text bad", colspan: columns.length - 2 }, r.problem) : null;
        const value = r[key] ?? "";
        return el("td", { class: (kind || "") + (value && ["error", "warning", "info"].includes(key) ? " " + key : "") }, value);
      }))));
  }
  filter.addEventListener("input", draw);
  language.addEventListener("change", draw);
  const notes = (data.notes || []).map((note) => el("p", { class: "note" }, note));
  main.replaceChildren(...notes, el("div", { class: "filters" }, filter, language),
    el("table", { class: "overview" }, el("thead", {}, el("tr", {}, heads)), body));
  draw();
  say(rows.length + " catalogs");
}

// --- the article view ------------------------------------------------------------------

const KEYS = [
  ["Ctrl+Enter", "save as reviewed"], ["Ctrl+Shift+Enter", "keep as draft (fuzzy)"],
  ["Alt+↓ / Alt+↑", "next / previous entry"], ["Alt+U", "next untranslated"], ["Alt+F", "next fuzzy"],
  ["Alt+E", "next with findings"], ["Alt+A", "approve / withdraw"], ["Ctrl+Alt+Z", "undo the last save"],
];

const review = { entries: [], nodes: [], current: -1, lang: "", slug: "", frame: null, canUndo: false };

async function article() {
  review.lang = document.body.dataset.language;
  review.slug = document.body.dataset.article;
  const data = await getJSON("/api/article/" + path(review.lang, review.slug));
  review.entries = data.entries;
  review.canUndo = data.can_undo;
  document.getElementById("where").textContent = `${data.article} · ${data.name} (${data.language}) · ${data.catalog}`;
  const list = el("div", { class: "segments", id: "segments" });
  review.nodes = review.entries.map((entry) => renderEntry(entry));
  list.append(el("p", { class: "keys", id: "keys" }, KEYS.map(([key, what]) => [el("kbd", {}, key), " ", what, "  "])),
    ...review.nodes);
  review.frame = el("iframe", {
    id: "preview", title: "The localized page", sandbox: "allow-same-origin",
    src: "/preview/" + path(review.lang, review.slug),
  });
  review.frame.addEventListener("load", wireFrame);
  main.replaceChildren(el("div", { class: "article" }, list, el("div", { class: "frame" }, review.frame)));
  document.addEventListener("keydown", onKey);
  say(review.entries.length + " entries");
  const first = review.entries.findIndex((e) => e.state !== "translated");
  select(first >= 0 ? first : 0, { focus: true });
}

function renderEntry(entry) {
  const findings = entry.findings.map((f) => el("li", { class: f.severity }, `${f.severity}: ${f.check}: ${f.message}`));
  const editor = el("textarea", { "aria-label": "Translation", lang: review.lang, spellcheck: "true" });
  editor.value = entry.msgstr;
  editor.addEventListener("focus", () => { if (review.current !== entry.index) select(entry.index, { focus: false }); });
  const node = el("section", {
    class: `entry ${entry.state}`, id: "entry-" + entry.index, "data-index": entry.index,
    onclick: (event) => { if (!event.target.closest("button, textarea")) select(entry.index, { focus: true }); },
  },
    el("div", { class: "head" },
      el("span", {}, "#" + (entry.index + 1)),
      el("span", { class: "state" }, entry.state === "translated" ? "reviewed" : entry.state),
      entry.approved ? el("span", { class: "approved" }, "approved") : null,
      machineScore(entry) ? el("span", { class: "score" }, "MT score " + machineScore(entry)) : null,
      el("span", {}, entry.context.join(" · "))),
    el("div", { class: "source", lang: "en" }, entry.source.map(([kind, text]) => kind === "tag" ? el("span", { class: "chip" }, text) : text)),
    editor,
    el("p", { class: "refusal", role: "alert" }),
    el("div", { class: "conflict-box" }),
    el("div", { class: "actions" },
      el("button", { type: "button", class: "save", onclick: () => save(entry.index, false) }, "Save (Ctrl+Enter)"),
      el("button", { type: "button", class: "draft", onclick: () => save(entry.index, true) }, "Keep as draft"),
      el("button", { type: "button", class: "approve", onclick: () => approve(entry.index) }, entry.approved ? "Withdraw approval" : "Approve"),
      el("button", { type: "button", class: "undo", onclick: undo, disabled: !review.canUndo }, "Undo last save")),
    el("div", { class: "details" },
      entry.provenance.length ? [el("h4", {}, "Provenance"), el("ul", { class: "provenance" }, entry.provenance.map((c) => el("li", {}, c)))] : null,
      entry.terms.length ? [el("h4", {}, "Glossary"), el("ul", { class: "terms" }, entry.terms.map((t) => el("li", {},
        el("b", {}, t.source), " → ", t.renderings.join(" | ") || "(no rendering)",
        t.forbidden.length ? [" · not: ", t.forbidden.map((f) => el("span", { class: "forbidden" }, f))] : null,
        t.note ? " · " + t.note : null)))] : null,
      el("div", { class: "memory" })),
    findings.length ? el("ul", { class: "findings" }, findings) : null);
  return node;
}

function machineScore(entry) {
  for (const comment of entry.provenance) {
    const found = /\bscore=([0-9.]+)/.exec(comment);
    if (found) return found[1];
  }
  return "";
}

function replaceEntry(entry) {
  review.entries[entry.index] = entry;
  const fresh = renderEntry(entry);
  review.nodes[entry.index].replaceWith(fresh);
  review.nodes[entry.index] = fresh;
  if (review.current === entry.index) fresh.classList.add("current");
}

function select(index, { focus }) {
  if (index < 0 || index >= review.entries.length) return;
  if (review.nodes[review.current]) review.nodes[review.current].classList.remove("current");
  review.current = index;
  const node = review.nodes[index];
  node.classList.add("current");
  node.scrollIntoView({ block: "center" });
  if (focus) node.querySelector("textarea").focus({ preventScroll: true });
  highlight();
  loadMemory(index);
}

async function loadMemory(index) {
  const entry = review.entries[index];
  const box = review.nodes[index].querySelector(".memory");
  if (box.dataset.loaded) return;
  box.dataset.loaded = "1";
  try {
    const data = await getJSON("/api/memory/" + path(review.lang, review.slug) + "?msgid=" + encodeURIComponent(entry.msgid));
    if (data.matches.length) {
      box.replaceChildren(el("h4", {}, "Translation memory"), el("ul", {}, data.matches.map((m) =>
        el("li", {}, el("b", {}, m.percent + "%"), " ", m.target, " ← ", m.source, " (", m.origin, ")"))));
    }
  } catch (error) { box.textContent = "memory: " + error.message; }
}

function frameDocument() {
  try { return review.frame.contentDocument; } catch (error) { return null; }
}

function wireFrame() {
  const doc = frameDocument();
  if (!doc) return;
  doc.addEventListener("click", (event) => {
    if (!event.target.closest) return;
    // The frame shows this page only: its links and forms lead nowhere from here.
    if (event.target.closest("a, button, input, select, label")) event.preventDefault();
    const span = event.target.closest("[data-tf]");
    if (!span) return;
    event.preventDefault();
    select(Number(span.dataset.tf), { focus: true });
  });
  if (review.scroll) review.frame.contentWindow.scrollTo(0, review.scroll);
  highlight();
}

function highlight() {
  const doc = frameDocument();
  if (!doc || !doc.body) return;
  for (const node of doc.querySelectorAll(".tf-current")) node.classList.remove("tf-current");
  const spans = doc.querySelectorAll(`[data-tf="${review.current}"]`);
  for (const node of spans) node.classList.add("tf-current");
  if (spans.length) spans[0].scrollIntoView({ block: "center" });
}

function reloadFrame() {
  review.scroll = review.frame.contentWindow ? review.frame.contentWindow.scrollY : 0;
  review.frame.src = "/preview/" + path(review.lang, review.slug) + "?at=" + Date.now();
}

async function save(index, draft, over) {
  const entry = review.entries[index];
  const node = review.nodes[index];
  const text = node.querySelector("textarea").value;
  say("saving…");
  const { status, data } = await post("/api/save/" + path(review.lang, review.slug), {
    msgctxt: entry.msgctxt, msgid: entry.msgid, msgstr: text, version: over || entry.version, draft,
  });
  if (status === 200) {
    review.canUndo = data.can_undo;
    replaceEntry(data.entry);
    refreshUndo();
    reloadFrame();
    say(draft ? "kept as draft" : "saved");
    review.nodes[index].querySelector("textarea").focus({ preventScroll: true });
    return;
  }
  if (status === 409) return showConflict(index, text, data, draft);
  node.querySelector(".refusal").textContent = data.error;
  say(data.error, true);
}

function showConflict(index, mine, data, draft) {
  const box = review.nodes[index].querySelector(".conflict-box");
  const theirs = data.theirs;
  box.replaceChildren(el("div", { class: "conflict", role: "alert" },
    el("p", {}, data.error),
    el("h4", {}, "On disk now" + (theirs ? ` (${theirs.state})` : "")),
    el("div", { class: "version theirs" }, theirs ? theirs.msgstr : "(the entry is gone)"),
    el("h4", {}, "Yours"),
    el("div", { class: "version mine" }, mine),
    theirs ? el("button", { type: "button", class: "take-theirs", onclick: () => {
      replaceEntry({ ...review.entries[index], msgstr: theirs.msgstr, state: theirs.state, version: theirs.version });
      say("took the version on disk");
    } }, "Use the version on disk") : null,
    theirs ? el("button", { type: "button", class: "keep-mine", onclick: () => save(index, draft, theirs.version) }, "Save mine over it") : null));
  box.scrollIntoView({ block: "center" });
  say("conflict: the entry changed on disk", true);
}

async function approve(index) {
  const entry = review.entries[index];
  const { status, data } = await post("/api/approve/" + path(review.lang, review.slug), {
    msgctxt: entry.msgctxt, msgid: entry.msgid, version: entry.version, approved: !entry.approved,
  });
  if (status === 200) { replaceEntry(data.entry); say(data.entry.approved ? "approved" : "approval withdrawn"); return; }
  if (status === 409) return showConflict(index, entry.msgstr, data, false);
  review.nodes[index].querySelector(".refusal").textContent = data.error;
  say(data.error, true);
}

async function undo() {
  const { status, data } = await post("/api/undo", {});
  if (status !== 200) { say(data.error, true); return; }
  review.canUndo = data.can_undo;
  if (data.entry && review.entries[data.entry.index] && review.entries[data.entry.index].msgid === data.entry.msgid) {
    replaceEntry(data.entry);
    select(data.entry.index, { focus: true });
  }
  refreshUndo();
  reloadFrame();
  say("undone");
}

function refreshUndo() {
  for (const button of document.querySelectorAll("button.undo")) button.disabled = !review.canUndo;
}

function next(test, step = 1) {
  const count = review.entries.length;
  for (let i = 1; i <= count; i++) {
    const index = (review.current + step * i + count) % count;
    if (test(review.entries[index])) { select(index, { focus: true }); return; }
  }
  say("none left");
}

function onKey(event) {
  const key = event.key.toLowerCase();
  let done = true;
  if (event.ctrlKey && key === "enter") save(review.current, event.shiftKey);
  else if (event.ctrlKey && event.altKey && key === "z") undo();
  else if (event.altKey && !event.ctrlKey && key === "arrowdown") next(() => true);
  else if (event.altKey && !event.ctrlKey && key === "arrowup") next(() => true, -1);
  else if (event.altKey && !event.ctrlKey && event.code === "KeyU") next((e) => e.state === "untranslated");
  else if (event.altKey && !event.ctrlKey && event.code === "KeyF") next((e) => e.state === "fuzzy");
  else if (event.altKey && !event.ctrlKey && event.code === "KeyE") next((e) => e.findings.length > 0);
  else if (event.altKey && !event.ctrlKey && event.code === "KeyA") approve(review.current);
  else done = false;
  if (done) event.preventDefault();
}

(VIEW === "overview" ? overview() : article()).catch((error) => say(error.message, true));
