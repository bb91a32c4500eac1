/* headline-bench leaderboard page.
 * Everything is built with DOM APIs and textContent: model outputs and article
 * texts are untrusted and must only ever render as text (no innerHTML here).
 * URL hash: #sort=rouge1.f&dir=asc sorts every table (as a click on its header does).
 * Score columns come from each target's "metrics" (every score key described by its
 * metric: label, columns, which way is better), so any registered metric renders here.
 */
(function () {
  "use strict";

  var SVGNS = "http://www.w3.org/2000/svg";
  var COLUMN_LABEL = { f: "F1", p: "precision", r: "recall" };
  var PALETTE = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d",
                 "#475569", "#b45309"];
  var pageErrors = [];

  function reportError(message) {
    pageErrors.push(String(message));
    var box = document.getElementById("page-errors");
    if (box) {
      box.hidden = false;
      box.appendChild(el("div", { text: "Page error: " + message }));
    }
    document.documentElement.setAttribute("data-errors", String(pageErrors.length));
  }
  window.addEventListener("error", function (event) { reportError(event.message || "script error"); });
  window.addEventListener("unhandledrejection", function (event) { reportError(event.reason); });

  // ---- small DOM helpers ------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVGNS, tag);
    setAttrs(node, attrs);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function setAttrs(node, attrs) {
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = String(value);
      else if (key === "onclick") node.addEventListener("click", value);
      else if (key === "onchange") node.addEventListener("change", value);
      else node.setAttribute(key, String(value));
    });
  }
  function pct(value, digits) {
    return value === null || value === undefined ? "–" : (100 * value).toFixed(digits === undefined ? 2 : digits);
  }
  function num(value, digits) {
    return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
  }
  function truncate(text, n) { return text.length > n ? text.slice(0, n - 1) + "…" : text; }
  // Width in px of ``text`` in the page's font at ``size`` px (a canvas measures it before the SVG is in the page).
  var measureCtx = null;
  function textWidth(text, size) {
    if (!measureCtx) {
      measureCtx = document.createElement("canvas").getContext("2d");
    }
    if (!measureCtx) return 0.62 * size * text.length;
    measureCtx.font = size + "px " + getComputedStyle(document.body).fontFamily;
    return measureCtx.measureText(text).width;
  }
  // ``text`` cut (with "…") to fit ``px`` pixels at ``size`` px: a label never runs off its chart.
  function fitText(text, px, size) {
    if (textWidth(text, size) <= px) return text;
    var lo = 0, hi = text.length;
    while (lo < hi) {
      var mid = Math.ceil((lo + hi) / 2);
      if (textWidth(text.slice(0, mid) + "…", size) <= px) lo = mid; else hi = mid - 1;
    }
    return text.slice(0, Math.max(1, lo)) + "…";
  }
  function hasInterval(ci) { return ci && ci.ci_low !== null && ci.ci_low !== undefined && ci.ci_high !== null && ci.ci_high !== undefined; }
  // A run with bootstrap: 0 (bs:0 in its signature) records each interval as the mean: it has none to show.
  function noBootstrap(entry) {
    var sigs = entry.signatures || {};
    return Object.keys(sigs).some(function (m) { return String(sigs[m]).split("|").indexOf("bs:0") >= 0; });
  }
  function intervalOf(entry, metric) {
    var ci = interval(entry, metric);
    return ci && noBootstrap(entry) ? { mean: ci.mean, ci_low: null, ci_high: null } : ci;
  }
  function basename(path) { var parts = String(path).split(/[\\/]/); return parts[parts.length - 1] || path; }

  // ---- metric access ----------------------------------------------------------------------
  function interval(entry, metric) {
    var parts = metric.split(".");
    var block = entry.scores[parts[0]];
    return block ? (block[parts[1] || "f"] || null) : null;
  }
  function keyInfo(block, key) {
    var info = (block.metrics || {})[key];
    return info || { name: key, label: key, columns: ["p", "r", "f"], primary_column: "f", percent: true };
  }
  function columnLabel(info, column) {
    var i = (info.columns || []).indexOf(column);
    return (info.column_labels && i >= 0 && info.column_labels[i]) || COLUMN_LABEL[column] || column;
  }
  // How a score is shown: x100 for scores in 0..1 (ROUGE), as it is otherwise.
  function scoreText(info, value, digits) {
    if (value === null || value === undefined) return "–";
    return info.percent === false ? num(value, digits === undefined ? 3 : digits + 1) : pct(value, digits);
  }
  function scoreKeys(block) {
    var all = block.entries.concat(block.oracles), present = {};
    all.forEach(function (e) { Object.keys(e.scores).forEach(function (k) { present[k] = true; }); });
    var ordered = Object.keys(block.metrics || {}).concat(Object.keys(present));
    return ordered.filter(function (k, i) { return present[k] && ordered.indexOf(k) === i; });
  }
  function meanOf(entry, metric) { var i = interval(entry, metric); return i ? i.mean : null; }
  function words(entry) {
    var stats = entry.stats || {};
    if (stats.words && typeof stats.words.mean === "number") return stats.words.mean;
    return (entry.lengths || {}).words_mean;
  }
  function statNumber(value) {
    if (typeof value === "number") return value;
    if (value && typeof value.mean === "number") return value.mean;
    return null;
  }

  // Optional summary-statistics columns: shown when any entry has them.
  var STAT_COLUMNS = [
    { id: "over_budget", label: "over budget", title: "share of outputs over the length budget", get: function (s) { return statNumber(s.over_budget); }, fmt: function (v) { return pct(v, 0) + "%"; } },
    { id: "compression", label: "compr.", title: "compression: body words / output words", get: function (s) { return statNumber(s.compression); }, fmt: function (v) { return num(v, 1) + "×"; } },
    { id: "novel2", label: "novel 2\u2011grams", title: "share of output bigrams not in the body", get: function (s) { return s.novel_ngrams ? statNumber(s.novel_ngrams["2"]) : null; }, fmt: function (v) { return pct(v, 0) + "%"; } },
    { id: "coverage", label: "coverage", title: "extractive fragment coverage (Grusky et al. 2018)", get: function (s) { return statNumber(s.coverage); }, fmt: function (v) { return num(v, 2); } },
    { id: "density", label: "density", title: "extractive fragment density (Grusky et al. 2018)", get: function (s) { return statNumber(s.density); }, fmt: function (v) { return num(v, 2); } },
    { id: "repetition", label: "repetition", title: "repeated n-grams within an output", get: function (s) { return statNumber(s.repetition); }, fmt: function (v) { return num(v, 2); } },
    { id: "semsim", label: "sem. sim.", title: "semantic similarity to the reference (mean)", get: function (s) { return statNumber(s.semantic_similarity); }, fmt: function (v) { return num(v, 3); } }
  ];

  // ---- state and URL hash -----------------------------------------------------------------
  var state = { sort: null, dir: null, measure: "f" };
  function readHash() {
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    state.sort = params.get("sort");
    state.dir = params.get("dir") === "asc" ? "asc" : (params.get("dir") === "desc" ? "desc" : null);
    var match = /^[^.]+\.([^.]+)$/.exec(state.sort || "");
    if (match) state.measure = match[1];
  }
  function writeHash() {
    var params = new URLSearchParams();
    if (state.sort) params.set("sort", state.sort);
    if (state.dir) params.set("dir", state.dir);
    history.replaceState(null, "", "#" + params.toString());
  }

  var DATA = JSON.parse(document.getElementById("leaderboard-data").textContent);
  var tables = [];  // every rendered table, so a sort (click or hash) re-renders them all

  // ---- the page ---------------------------------------------------------------------------
  function render() {
    readHash();
    var app = document.getElementById("app");
    app.textContent = "";
    var runs = {};
    DATA.runs.forEach(function (run) { runs[run.id] = run; });
    app.appendChild(header());
    if (DATA.boards.length > 1) app.appendChild(boardNav());
    DATA.boards.forEach(function (board, index) { app.appendChild(boardSection(board, index, runs)); });
    app.appendChild(el("footer", {}, [
      "Made with headline-bench " + DATA.bench_version + ". The data behind this page is in leaderboard.json " +
      "(schema version " + DATA.schema_version + "); outputs and article texts are shown as plain text."
    ]));
    sortAll();
    markWideTables();
    window.addEventListener("resize", markWideTables);
  }

  // A table wider than its card is marked (a shadow at its right edge and a line under it say it
  // scrolls), so no column is silently out of sight.
  function markWideTables() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-wrap"), function (wrap) {
      wrap.classList.toggle("scrolls", wrap.scrollWidth > wrap.clientWidth + 1);
    });
  }

  function header() {
    var children = [
      el("h1", { text: "Headline & standfirst leaderboard" }),
      el("p", { class: "lede" }, [
        "Summarizers scored against each article's reference headline and standfirst. ",
        "Ranks come from paired significance tests: systems that share a rank are not significantly different. ",
        "Oracles read the references and are shown apart, as upper bounds."
      ]),
      el("p", { class: "meta" }, [
        DATA.boards.length + (DATA.boards.length === 1 ? " board" : " boards") + " · " +
        DATA.runs.length + (DATA.runs.length === 1 ? " run" : " runs") + " · generated " + DATA.generated
      ])
    ];
    children.push(modeLine());
    DATA.notes.forEach(function (note) { children.push(el("p", { class: "note" }, [note])); });
    return el("header", { class: "top" }, children);
  }

  // Which form this page is: a local page names files on the machine that made it and shows article
  // bodies; a publishable one (bench leaderboard --publish) does neither.
  function modeLine() {
    var blocks = Object.keys(DATA.browser || {}).map(function (k) { return DATA.browser[k]; });
    var chars = blocks.length ? blocks[0].body_chars : 0;
    var bodies = !chars ? "article bodies are left out" : "the first " + chars + " characters of each shown article's body are included";
    if (DATA.mode === "publishable") {
      return el("p", { class: "mode publishable", "data-mode": "publishable" }, [
        "Publishable page: run folders, configs and datasets are named relative to this page or by their names alone; " + bodies + "."]);
    }
    return el("p", { class: "mode local", "data-mode": "local" }, [
      "Local page: it names files by their full paths on the machine that made it, and " + bodies +
      ". Before putting it online, build it with 'bench leaderboard --publish'."]);
  }

  function boardNav() {
    return el("nav", { class: "boards" }, DATA.boards.map(function (board) {
      return el("a", { href: "#" + board.id, onclick: function (event) {
        event.preventDefault();
        document.getElementById(board.id).scrollIntoView();
      } }, [board.id + ": " + basename(board.dataset.source)]);
    }));
  }

  function boardSection(board, index, runs) {
    var section = el("section", { class: "board", id: board.id });
    section.appendChild(el("h2", {}, [
      basename(board.dataset.source),
      el("span", { class: "sub", text: " · " + board.dataset.n_articles + " articles · " + board.id })
    ]));
    var facts = el("dl", { class: "facts" }, [
      el("dt", { text: "Signature", title: "how the ranking score was made" }), el("dd", {}, [el("code", { text: board.signature })]),
      el("dt", { text: "Dataset" }), el("dd", {}, [el("code", { text: board.dataset.fingerprint }), " " + board.dataset.source])
    ]);
    var boardRuns = {};
    Object.keys(board.targets).forEach(function (t) {
      var block = board.targets[t];
      block.entries.concat(block.oracles).forEach(function (e) { boardRuns[e.run] = runs[e.run] || { id: e.run }; });
    });
    facts.appendChild(el("dt", { text: "Runs" }));
    facts.appendChild(el("dd", {}, Object.keys(boardRuns).map(function (id, i) {
      var run = boardRuns[id];
      return el("span", { class: "run-id", title: run.config_file || run.path || null,
                          text: (i ? ", " : "") + id + (run.git_commit ? " (commit " + run.git_commit.slice(0, 8) + ")" : "") });
    })));
    section.appendChild(facts);
    if (board.note) section.appendChild(el("p", { class: "note" }, [board.note]));
    var browser = DATA.browser[board.id];
    Object.keys(board.targets).forEach(function (target) {
      section.appendChild(targetBlock(board, target, board.targets[target], browser, runs));
    });
    if (browser) section.appendChild(articleBrowser(board, browser));
    return section;
  }

  // ---- table ------------------------------------------------------------------------------
  function targetBlock(board, target, block, browser, runs) {
    var wrap = el("div", { class: "target" });
    var colors = {};
    block.entries.concat(block.oracles).forEach(function (entry, i) { colors[entry.key] = PALETTE[i % PALETTE.length]; });
    block.colors = colors;
    var sig = block.significance;
    wrap.appendChild(el("h3", {}, [target.charAt(0).toUpperCase() + target.slice(1),
      el("span", { class: "sub", text: " · ranked by " + block.primary })]));
    var table = el("table", { class: "scores", "data-board": board.id, "data-target": target });
    wrap.appendChild(el("div", { class: "table-wrap" }, [table]));
    wrap.appendChild(el("p", { class: "scroll-hint", text: "More columns to the right: scroll the table sideways →" }));
    var spec = { table: table, block: block, runs: runs };
    tables.push(spec);
    drawTable(spec);
    var pairs = sig.tests.length === 0 ? "no pairs to test" :
      "Holm-corrected across all " + sig.tests.length + (sig.tests.length === 1 ? " pair" : " pairs");
    var legend = "Ranks: 1 + the number of systems significantly better (paired " + sig.method + " test, " +
      sig.resamples + " resamples, over the same articles, " + pairs + ", α = " + sig.alpha + "). " +
      "“=” marks a rank shared with a statistically tied system; " +
      "“beats” counts the systems it is significantly better than. Brackets: 95% bootstrap CI. Click a header to sort.";
    if (sig.note) wrap.appendChild(el("p", { class: "note significance-note", text: sig.note }));
    wrap.appendChild(el("p", { class: "legend", text: legend }));
    var beside = comparisonColumns(block);
    if (beside.length) {
      wrap.appendChild(el("p", { class: "legend", text: beside.map(function (c) { return c.label; }).join(", ") +
        ": from each run's own comparison of its systems (below), with bootstrap intervals in brackets; " +
        "they do not change the ranks by " + block.primary + "." }));
    }
    if (block.note) wrap.appendChild(el("p", { class: "note", text: block.note }));
    var charts = el("div", { class: "charts" }, [
      el("figure", {}, [barChart(block), el("figcaption", { text: block.primary + " with 95% confidence intervals" })]),
      el("figure", {}, [lengthPlot(block, browser ? (browser.reference_words || {})[target] : null),
        el("figcaption", { text: "Longer outputs often score higher: " + block.primary + " against mean output length" })])
    ]);
    wrap.appendChild(charts);
    (block.comparisons || []).forEach(function (found) { wrap.appendChild(comparison(found)); });
    return wrap;
  }

  // A comparative metric's result (e.g. a pairwise judge), shown generically: a table of
  // its per-system numbers and its other plain fields; the full block is in leaderboard.json.
  function comparison(found) {
    var result = found.result || {};
    var box = el("div", { class: "comparison", "data-metric": found.metric });
    box.appendChild(el("h4", { text: "Comparison by " + found.metric + " (run " + found.run + ")" }));
    var systems = result.systems && typeof result.systems === "object" ? result.systems : null;
    var simple = function (v) { return v === null || ["string", "number", "boolean"].indexOf(typeof v) >= 0; };
    var show = function (v) { return typeof v === "number" ? String(Math.round(v * 1e4) / 1e4) : String(v); };
    if (systems) {
      var fields = [];
      Object.keys(systems).forEach(function (name) {
        var row = systems[name] || {};
        Object.keys(row).forEach(function (k) { if (simple(row[k]) && fields.indexOf(k) < 0) fields.push(k); });
      });
      var table = el("table", { class: "comparison-table" });
      table.appendChild(el("thead", {}, [el("tr", {}, [el("th", { text: "system" })].concat(
        fields.map(function (f) { return el("th", { class: "num", text: f }); })))]));
      var body = el("tbody");
      Object.keys(systems).forEach(function (name) {
        var row = systems[name] || {};
        body.appendChild(el("tr", {}, [el("td", { text: name })].concat(fields.map(function (f) {
          return el("td", { class: "num", text: f in row ? show(row[f]) : "–" });
        }))));
      });
      table.appendChild(body);
      box.appendChild(el("div", { class: "table-wrap" }, [table]));
    }
    var facts = el("dl", { class: "facts" });
    var walk = function (prefix, value) {  // nested plain values spelled out as a.b.c; lists stay in the JSON
      if (value && typeof value === "object" && !Array.isArray(value)) {
        Object.keys(value).forEach(function (k) { walk(prefix ? prefix + "." + k : k, value[k]); });
      } else if (simple(value)) {
        facts.appendChild(el("dt", { text: prefix }));
        facts.appendChild(el("dd", { text: show(value) }));
      }
    };
    Object.keys(result).forEach(function (k) { if (k !== "systems" && k !== "columns") walk(k, result[k]); });
    box.appendChild(facts);
    return box;
  }

  function columnsFor(block) {
    var all = block.entries.concat(block.oracles);
    var measure = state.measure;
    var cols = [
      { id: "rank", label: "Rank", numeric: true, value: function (e) { return e.rank; }, asc: true },
      { id: "system", label: "System", value: function (e) { return e.label.toLowerCase(); }, asc: true }
    ].concat(comparisonColumns(block));
    // One column per score key: the chosen measure where the key has it, else its own main column.
    scoreKeys(block).forEach(function (key) {
      var info = keyInfo(block, key);
      var column = info.columns.indexOf(measure) >= 0 ? measure :
        (block.primary.split(".")[0] === key ? block.primary.split(".")[1] : info.primary_column);
      var id = key + "." + column;
      var desc = (info.description ? " — " + info.description : "") + (info.higher_is_better === false ? " (lower is better)" : "");
      cols.push({ id: id, label: info.label || key, numeric: true, primary: id === block.primary, score: true, info: info,
                  value: function (e) { return meanOf(e, id); },
                  title: key + " " + columnLabel(info, column) + desc });
    });
    if (!cols.some(function (c) { return c.id === block.primary; })) {
      var info = keyInfo(block, block.primary.split(".")[0]);
      cols.push({ id: block.primary, label: block.primary, numeric: true, primary: true, score: true, info: info,
                  value: function (e) { return meanOf(e, block.primary); } });
    }
    cols.push({ id: "words", label: "words", numeric: true, value: words, title: "mean words per output" });
    STAT_COLUMNS.forEach(function (stat) {
      if (all.some(function (e) { return stat.get(e.stats || {}) !== null; })) {
        cols.push({ id: stat.id, label: stat.label, title: stat.title, numeric: true, fmt: stat.fmt, stat: true,
                    value: function (e) { return stat.get(e.stats || {}); } });
      }
    });
    cols.push({ id: "beats", label: "beats", numeric: true, value: function (e) { return e.oracle ? null : e.beats.length; },
                title: "number of systems this one is significantly better than" });
    cols.push({ id: "n", label: "n", numeric: true, value: function (e) { return e.n; }, title: "articles scored" });
    var runIds = {};
    all.forEach(function (e) { runIds[e.run] = true; });
    if (Object.keys(runIds).length > 1) cols.push({ id: "run", label: "run", value: function (e) { return e.run; } });
    return cols;
  }

  // Comparative metrics (e.g. a pairwise judge) whose result declares "columns" ({field: header})
  // are shown beside the ranks: each entry takes what its own run's comparison gave its system.
  function comparisonColumns(block) {
    var cols = [];
    (block.comparisons || []).forEach(function (found) {
      var declared = (found.result || {}).columns;
      if (!declared || typeof declared !== "object") return;
      Object.keys(declared).forEach(function (field) {
        var id = "cmp-" + found.metric + "-" + field;
        if (cols.some(function (c) { return c.id === id; })) return;
        cols.push({ id: id, label: String(declared[field]), numeric: true, comparison: true, asc: field === "rank",
                    title: String((found.result || {}).about || found.metric),
                    system: function (e) { return comparedSystem(block, found.metric, e); },
                    field: field,
                    value: function (e) {
                      var s = comparedSystem(block, found.metric, e);
                      return s && typeof s[field] === "number" ? s[field] : null;
                    } });
      });
    });
    return cols;
  }

  function comparedSystem(block, metric, entry) {
    var hit = (block.comparisons || []).filter(function (f) { return f.metric === metric && f.run === entry.run; })[0];
    var systems = hit && hit.result ? hit.result.systems : null;
    var found = systems && typeof systems === "object" ? systems[entry.summarizer] : null;
    return found && typeof found === "object" ? found : null;
  }

  function plainNumber(v) { return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3))); }

  function compare(col, dir) {
    return function (a, b) {
      var va = col.value(a), vb = col.value(b);
      var missingA = va === null || va === undefined, missingB = vb === null || vb === undefined;
      if (missingA || missingB) return missingA === missingB ? 0 : (missingA ? 1 : -1);
      var order = va < vb ? -1 : (va > vb ? 1 : 0);
      return dir === "asc" ? order : -order;
    };
  }

  function drawTable(spec) {
    var table = spec.table, block = spec.block;
    var cols = columnsFor(block);
    var sortCol = cols.filter(function (c) { return c.id === state.sort; })[0] || cols[0];
    var dir = state.dir || (sortCol.asc ? "asc" : "desc");
    table.textContent = "";
    table.setAttribute("data-sort", sortCol.id);
    table.setAttribute("data-dir", dir);
    var head = el("tr");
    cols.forEach(function (col) {
      var active = col.id === sortCol.id;
      var th = el("th", {
        "data-col": col.id, title: col.title || null, scope: "col",
        class: (col.numeric ? "num" : "") + (col.primary ? " primary" : "") + (col.stat ? " stat" : "") + (active ? " sorted" : ""),
        "aria-sort": active ? (dir === "asc" ? "ascending" : "descending") : null
      }, [el("button", { type: "button", onclick: function () { sortBy(col); } },
             [col.label, el("span", { class: "arrow", text: active ? (dir === "asc" ? " ▲" : " ▼") : "" })])]);
      head.appendChild(th);
    });
    table.appendChild(el("thead", {}, [head, measureRow(cols.length, block)]));
    var ranks = block.entries.map(function (e) { return e.rank; });
    var ranked = block.entries.slice().sort(compare(sortCol, dir));
    var body = el("tbody", { class: "ranked" });
    ranked.forEach(function (entry) { body.appendChild(row(entry, cols, spec, ranks)); });
    table.appendChild(body);
    if (block.oracles.length) {
      var oracleBody = el("tbody", { class: "oracles" }, [
        el("tr", { class: "group" }, [el("th", { colspan: cols.length, scope: "rowgroup",
          text: "Oracle upper bounds — they read the references, so they are not ranked" })])
      ]);
      block.oracles.slice().sort(compare(sortCol, dir)).forEach(function (entry) {
        oracleBody.appendChild(row(entry, cols, spec, ranks));
      });
      table.appendChild(oracleBody);
    }
  }

  // The columns scores with several columns can be shown as (ROUGE: F1, precision, recall).
  function measureRow(span, block) {
    var measures = [], labels = {};
    var primaryInfo = keyInfo(block, block.primary.split(".")[0]);
    if (primaryInfo.columns.length > 1) measures.push(primaryInfo.primary_column);
    scoreKeys(block).forEach(function (key) {
      var info = keyInfo(block, key);
      if (info.columns.length < 2) return;
      if (!measures.length) measures.push(info.primary_column);
      info.columns.forEach(function (c) {
        if (measures.indexOf(c) < 0) measures.push(c);
        if (!labels[c]) labels[c] = columnLabel(info, c);
      });
    });
    if (!measures.length) return el("tr", { hidden: true });
    var cell = el("th", { colspan: span, class: "measures" }, ["Scores shown as: "]);
    measures.forEach(function (m) {
      cell.appendChild(el("button", {
        type: "button", class: "chip" + (state.measure === m ? " on" : ""), "data-measure": m,
        onclick: function () {
          var sorted = /^[^.]+\.[^.]+$/.exec(state.sort || "");
          if (sorted && keyInfo(block, state.sort.split(".")[0]).columns.indexOf(m) >= 0) {
            state.sort = state.sort.split(".")[0] + "." + m;
          }
          state.measure = m;
          writeHash();
          sortAll();
        }
      }, [labels[m] || m]));
    });
    return el("tr", {}, [cell]);
  }

  function row(entry, cols, spec, ranks) {
    var tr = el("tr", { "data-key": entry.key, class: entry.oracle ? "oracle" : null });
    cols.forEach(function (col) {
      var td = el("td", { class: (col.numeric ? "num" : "") + (col.primary ? " primary" : "") + (col.stat ? " stat" : "") });
      var value = col.value(entry);
      if (col.id === "rank") {
        if (entry.oracle) td.appendChild(el("span", { class: "badge", text: "oracle" }));
        else {
          var shared = ranks.filter(function (r) { return r === entry.rank; }).length > 1;
          td.appendChild(document.createTextNode(String(entry.rank)));
          if (shared) td.appendChild(el("span", { class: "tied", text: "=",
            title: "statistically tied with " + entry.tied_with.length + " other system(s)" }));
          if (entry.rank_range && entry.rank_range[1] > entry.rank_range[0]) {
            td.setAttribute("title", "could rank " + entry.rank_range[0] + "–" + entry.rank_range[1]);
          }
        }
      } else if (col.id === "system") {
        td.appendChild(el("span", { class: "swatch", style: "background:" + spec.block.colors[entry.key] }));
        td.appendChild(el("span", { class: "name", text: entry.label }));
        if (entry.type && entry.type !== entry.summarizer) td.appendChild(el("span", { class: "type", text: entry.type }));
        var about = [];
        if (entry.config) about.push(JSON.stringify(entry.config));
        Object.keys(entry.signatures || {}).forEach(function (m) { about.push(m + ": " + entry.signatures[m]); });
        if (about.length) td.setAttribute("title", about.join("\n"));
      } else if (col.score) {
        td.appendChild(document.createTextNode(scoreText(col.info, value)));
        if (col.primary) {
          var ci = intervalOf(entry, col.id);
          if (hasInterval(ci)) td.appendChild(el("span", { class: "ci", text: " [" + scoreText(col.info, ci.ci_low, 1) + ", " + scoreText(col.info, ci.ci_high, 1) + "]" }));
        }
      } else if (col.comparison) {
        td.textContent = value === null || value === undefined ? "–" : plainNumber(value);
        var compared = col.system(entry), ci = compared ? compared[col.field + "_ci"] : null;
        if (value !== null && ci && ci.length === 2 && typeof ci[0] === "number" && typeof ci[1] === "number") {
          td.appendChild(el("span", { class: "ci", text: " [" + plainNumber(ci[0]) + ", " + plainNumber(ci[1]) + "]" }));
        }
      } else if (col.id === "beats") {
        if (!entry.oracle) {
          td.textContent = String(entry.beats.length);
          var labels = {};
          spec.block.entries.forEach(function (e) { labels[e.key] = e.label; });
          if (entry.beats.length) td.setAttribute("title", "significantly better than: " +
            entry.beats.map(function (k) { return labels[k] || k; }).join(", "));
        } else td.textContent = "–";
      } else if (col.id === "run") {
        var run = spec.runs[entry.run];
        td.className = "run";
        td.textContent = entry.run;
        if (run) td.setAttribute("title", (run.config_file || run.path) + (run.git_commit ? " @ " + run.git_commit.slice(0, 10) : ""));
      } else if (col.fmt) {
        td.textContent = value === null || value === undefined ? "–" : col.fmt(value);
      } else if (col.id === "words") {
        td.textContent = num(value, 1);
      } else {
        td.textContent = value === null || value === undefined ? "–" : String(value);
      }
      tr.appendChild(td);
    });
    return tr;
  }

  function sortBy(col) {
    if (state.sort === col.id || (!state.sort && col.id === "rank")) {
      var current = state.dir || (col.asc ? "asc" : "desc");
      state.dir = current === "asc" ? "desc" : "asc";
    } else {
      state.dir = col.asc ? "asc" : "desc";
    }
    state.sort = col.id;
    writeHash();
    sortAll();
  }

  function sortAll() { tables.forEach(drawTable); }

  // ---- charts -----------------------------------------------------------------------------
  function niceMax(value) {
    if (!(value > 0)) return 1;
    var step = Math.pow(10, Math.floor(Math.log10(value)));
    var candidates = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
    for (var i = 0; i < candidates.length; i++) if (candidates[i] * step >= value) return candidates[i] * step;
    return 10 * step;
  }
  function ticks(max, count) {
    var raw = max / count, step = Math.pow(10, Math.floor(Math.log10(raw)));
    [1, 2, 2.5, 5, 10].some(function (m) { if (m * step >= raw) { step = m * step; return true; } return false; });
    var out = [];
    for (var v = 0; v <= max + 1e-9; v += step) out.push(v);
    return out;
  }

  function barChart(block) {
    var metric = block.primary;
    var info = keyInfo(block, metric.split(".")[0]);
    var show = function (v, d) { return scoreText(info, v, d); };
    var items = block.entries.concat(block.oracles);
    var rowH = 26, right = 60, top = 24, width = 560, size = 12;
    // The label column is as wide as the longest label needs (up to 42% of the chart); longer ones are cut with "…".
    var longest = Math.max.apply(null, items.map(function (e) { return textWidth(e.label + (e.oracle ? " †" : ""), size); }).concat([40]));
    var left = Math.min(Math.ceil(longest) + 16, Math.round(width * 0.42));
    var gap = block.oracles.length && block.entries.length ? 22 : 0;
    var height = top + items.length * rowH + gap + 34;
    var top_ = function (ci) { return hasInterval(ci) ? ci.ci_high : (ci && ci.mean !== null ? ci.mean : 0); };
    var max = niceMax(Math.max.apply(null, items.map(function (e) { return top_(intervalOf(e, metric)); }).concat([0.01])));
    var x = function (v) { return left + (width - left - right) * v / max; };
    var root = svg("svg", { class: "chart bar-chart", viewBox: "0 0 " + width + " " + height, width: width, height: height,
                            role: "img", "aria-label": "bar chart of " + metric });
    root.appendChild(svg("title", {}, metric + " per system, with 95% confidence intervals"));
    ticks(max, 5).forEach(function (t) {
      root.appendChild(svg("line", { x1: x(t), x2: x(t), y1: top - 6, y2: height - 28, class: "grid" }));
      root.appendChild(svg("text", { x: x(t), y: height - 12, class: "tick", "text-anchor": "middle" }, show(t, 0)));
    });
    items.forEach(function (entry, i) {
      var y = top + i * rowH + (entry.oracle ? gap : 0);
      var ci = intervalOf(entry, metric);
      if (!ci) return;
      var color = block.colors[entry.key];
      var g = svg("g", { class: "bar" + (entry.oracle ? " oracle" : ""), "data-key": entry.key });
      g.appendChild(svg("title", {}, entry.label + ": " + show(ci.mean) + " [" + show(ci.ci_low) + ", " + show(ci.ci_high) + "]"));
      var mark = entry.oracle ? " †" : "";
      g.appendChild(svg("text", { x: left - 8, y: y + rowH / 2 + 4, "text-anchor": "end", class: "label" },
                        fitText(entry.label, left - 12 - textWidth(mark, size), size) + mark));
      g.appendChild(svg("rect", { x: left, y: y + 4, width: Math.max(0, x(ci.mean) - left), height: rowH - 8, rx: 2,
                                   fill: color, "fill-opacity": entry.oracle ? 0.25 : 0.85,
                                   stroke: color, "stroke-dasharray": entry.oracle ? "3 2" : null }));
      var cy = y + rowH / 2;
      if (hasInterval(ci)) {
        g.appendChild(svg("line", { x1: x(ci.ci_low), x2: x(ci.ci_high), y1: cy, y2: cy, class: "whisker" }));
        g.appendChild(svg("line", { x1: x(ci.ci_low), x2: x(ci.ci_low), y1: cy - 5, y2: cy + 5, class: "whisker" }));
        g.appendChild(svg("line", { x1: x(ci.ci_high), x2: x(ci.ci_high), y1: cy - 5, y2: cy + 5, class: "whisker" }));
      }
      g.appendChild(svg("text", { x: x(top_(ci)) + 6, y: cy + 4, class: "value" }, show(ci.mean, 1)));
      root.appendChild(g);
    });
    if (gap) {
      var sy = top + block.entries.length * rowH + gap / 2 + 2;
      root.appendChild(svg("text", { x: left, y: sy + 4, class: "tick" }, "† oracle: reads the references (upper bound)"));
    }
    return root;
  }

  function lengthPlot(block, referenceWords) {
    var metric = block.primary;
    var info = keyInfo(block, metric.split(".")[0]);
    var show = function (v, d) { return scoreText(info, v, d); };
    var items = block.entries.concat(block.oracles).filter(function (e) { return words(e) !== undefined && words(e) !== null && interval(e, metric); });
    var width = 560, height = 340, left = 50, right = 20, top = 16, bottom = 44;
    var maxX = niceMax(Math.max.apply(null, items.map(words).concat([referenceWords || 0, 1])) * 1.08);
    var high = function (e) { var ci = intervalOf(e, metric); return hasInterval(ci) ? ci.ci_high : ci.mean; };
    var maxY = niceMax(Math.max.apply(null, items.map(high).concat([0.01])) * 1.05);
    var x = function (v) { return left + (width - left - right) * v / maxX; };
    var y = function (v) { return height - bottom - (height - top - bottom) * v / maxY; };
    var root = svg("svg", { class: "chart length-plot", viewBox: "0 0 " + width + " " + height, width: width, height: height,
                            role: "img", "aria-label": metric + " against output length" });
    root.appendChild(svg("title", {}, metric + " against mean output length in words"));
    ticks(maxX, 6).forEach(function (t) {
      root.appendChild(svg("line", { x1: x(t), x2: x(t), y1: top, y2: height - bottom, class: "grid" }));
      root.appendChild(svg("text", { x: x(t), y: height - bottom + 16, class: "tick", "text-anchor": "middle" }, String(Math.round(t * 10) / 10)));
    });
    ticks(maxY, 5).forEach(function (t) {
      root.appendChild(svg("line", { x1: left, x2: width - right, y1: y(t), y2: y(t), class: "grid" }));
      root.appendChild(svg("text", { x: left - 6, y: y(t) + 4, class: "tick", "text-anchor": "end" }, show(t, 0)));
    });
    root.appendChild(svg("text", { x: (left + width - right) / 2, y: height - 6, class: "axis", "text-anchor": "middle" }, "mean words per output"));
    root.appendChild(svg("text", { x: 12, y: (top + height - bottom) / 2, class: "axis", "text-anchor": "middle",
                                   transform: "rotate(-90 12 " + (top + height - bottom) / 2 + ")" }, metric + (info.percent === false ? "" : " × 100")));
    if (referenceWords) {
      root.appendChild(svg("line", { x1: x(referenceWords), x2: x(referenceWords), y1: top, y2: height - bottom, class: "reference" }));
      root.appendChild(svg("text", { x: x(referenceWords) + 4, y: top + 10, class: "tick" }, "reference length " + referenceWords.toFixed(1)));
    }
    var real = items.filter(function (e) { return !e.oracle; });
    if (real.length >= 3) {  // least-squares trend over real systems: how much of the ranking length explains
      var mx = 0, my = 0, sxx = 0, sxy = 0;
      real.forEach(function (e) { mx += words(e) / real.length; my += meanOf(e, metric) / real.length; });
      real.forEach(function (e) { sxx += Math.pow(words(e) - mx, 2); sxy += (words(e) - mx) * (meanOf(e, metric) - my); });
      if (sxx > 0) {
        var slope = sxy / sxx, x0 = Math.min.apply(null, real.map(words)), x1 = Math.max.apply(null, real.map(words));
        var clampY = function (v) { return Math.max(0, Math.min(maxY, v)); };
        root.appendChild(svg("line", { x1: x(x0), x2: x(x1), y1: y(clampY(my + slope * (x0 - mx))), y2: y(clampY(my + slope * (x1 - mx))), class: "trend" }));
      }
    }
    var sorted = items.slice().sort(function (a, b) { return meanOf(b, metric) - meanOf(a, metric); });
    sorted.forEach(function (entry) {
      var ci = intervalOf(entry, metric), color = block.colors[entry.key], cx = x(words(entry));
      var g = svg("g", { class: "point" + (entry.oracle ? " oracle" : ""), "data-key": entry.key });
      g.appendChild(svg("title", {}, entry.label + ": " + num(words(entry), 1) + " words, " + show(ci.mean)));
      if (hasInterval(ci)) g.appendChild(svg("line", { x1: cx, x2: cx, y1: y(ci.ci_low), y2: y(ci.ci_high), stroke: color, "stroke-width": 1.5 }));
      g.appendChild(svg("circle", { cx: cx, cy: y(ci.mean), r: 5.5, fill: entry.oracle ? "#fff" : color, stroke: color, "stroke-width": 2 }));
      root.appendChild(g);
    });
    pointLabels(sorted, function (e) {
      var ci = intervalOf(e, metric), span = hasInterval(ci) ? [y(ci.ci_high), y(ci.ci_low)] : null;
      return [x(words(e)), y(meanOf(e, metric)), span];
    }, left, width - right, top, height - bottom)
      .forEach(function (label) { root.appendChild(label); });
    return root;
  }

  // Labels for scatter points that never overlap: systems on the same point (within 4 px) share one
  // label, a line each; a label goes right of its point, else left, and moves down past labels and
  // points already placed.
  function pointLabels(items, at, minX, maxX, minY, maxY) {
    var size = 12, lineH = 14, groups = [], taken = [];
    items.forEach(function (entry) {
      var p = at(entry);
      taken.push({ x: p[0] - 7, y: p[1] - 7, w: 14, h: 14 });  // the marker
      if (p[2]) taken.push({ x: p[0] - 2, y: p[2][0], w: 4, h: p[2][1] - p[2][0] });  // its interval
      var found = groups.filter(function (g) { return Math.abs(g.x - p[0]) <= 4 && Math.abs(g.y - p[1]) <= 4; })[0];
      if (found) found.entries.push(entry); else groups.push({ x: p[0], y: p[1], entries: [entry] });
    });
    var overlaps = function (b) {
      return taken.some(function (t) { return t.x < b.x + b.w && b.x < t.x + t.w && t.y < b.y + b.h && b.y < t.y + t.h; });
    };
    return groups.map(function (group) {
      var lines = group.entries.map(function (e) { return fitText(e.label, 170, size) + (e.oracle ? " †" : ""); });
      if (lines.length > 1) lines.unshift("same point:");
      var w = Math.max.apply(null, lines.map(function (t) { return textWidth(t, size); })) + 2, h = lines.length * lineH;
      var box = null;
      [group.x + 9, group.x - 9 - w].some(function (bx) {
        if (bx < minX || bx + w > maxX) return false;
        for (var dy = 0; dy <= 12 * lineH; dy += lineH / 2) {
          var candidate = { x: bx, y: Math.min(group.y - lineH / 2 + dy, maxY - h), w: w, h: h };
          if (!overlaps(candidate)) { box = candidate; return true; }
        }
        return false;
      });
      if (!box) box = { x: Math.max(minX, Math.min(group.x + 9, maxX - w)), y: Math.max(minY, group.y - lineH / 2), w: w, h: h };
      taken.push(box);
      var text = svg("text", { class: "label", "data-keys": group.entries.map(function (e) { return e.key; }).join(" ") });
      lines.forEach(function (line, i) {
        var shared = lines.length > 1 && i === 0;
        text.appendChild(svg("tspan", { x: box.x, y: box.y + (i + 1) * lineH - 3, class: shared ? "shared" : null }, line));
      });
      return text;
    });
  }

  // ---- article browser --------------------------------------------------------------------
  function articleBrowser(board, browser) {
    var targets = Object.keys(board.targets);
    var view = { target: targets[0], article: browser.order[0] };
    var wrap = el("section", { class: "browser", "data-board": board.id });
    wrap.appendChild(el("h3", {}, ["Article browser", el("span", { class: "sub", text:
      " · " + browser.order.length + " of " + browser.n_total + " articles (a fixed sample plus each system's best and worst)" })]));
    browser.notes.forEach(function (note) { wrap.appendChild(el("p", { class: "note" }, [note])); });
    var controls = el("div", { class: "controls" });
    var select = el("select", { "aria-label": "article", class: "article-select", onchange: function () { view.article = select.value; draw(); } });
    browser.order.forEach(function (id) {
      var article = browser.articles[id];
      var title = article ? (article.headline || article.standfirst || article.reference || "") : "";
      select.appendChild(el("option", { value: id, text: title ? truncate(title, 90) : id }));
    });
    var step = function (delta) {
      var i = browser.order.indexOf(view.article) + delta;
      if (i >= 0 && i < browser.order.length) { view.article = browser.order[i]; draw(); }
    };
    controls.appendChild(el("button", { type: "button", onclick: function () { step(-1); }, text: "◀", title: "previous article" }));
    controls.appendChild(select);
    controls.appendChild(el("button", { type: "button", onclick: function () { step(1); }, text: "▶", title: "next article" }));
    var targetButtons = targets.map(function (t) {
      return el("button", { type: "button", class: "chip", "data-target": t, onclick: function () { view.target = t; draw(); } }, [t]);
    });
    controls.appendChild(el("span", { class: "spacer" }));
    targetButtons.forEach(function (b) { controls.appendChild(b); });
    wrap.appendChild(controls);
    var panel = el("div", { class: "article" });
    wrap.appendChild(panel);

    function draw() {
      select.value = view.article;
      targetButtons.forEach(function (b) { b.className = "chip" + (b.getAttribute("data-target") === view.target ? " on" : ""); });
      panel.textContent = "";
      var article = browser.articles[view.article];
      panel.appendChild(el("p", { class: "article-id", text: "id " + view.article }));
      if (article) {
        if (article.headline !== undefined) panel.appendChild(el("h4", { class: "headline", text: article.headline }));
        if (article.standfirst !== undefined) panel.appendChild(el("p", { class: "standfirst", text: article.standfirst }));
        if (article.body !== undefined) panel.appendChild(el("p", { class: "body", text: article.body }));
      }
      var block = board.targets[view.target];
      var outputs = browser.outputs[view.target] || {};
      var extremes = browser.extremes[view.target] || {};
      var table = el("table", { class: "outputs" });
      var head = el("tr", {}, [el("th", { text: "System" }), el("th", { text: view.target })]);
      browser.columns.forEach(function (c) {
        var info = keyInfo(block, c.key);
        head.appendChild(el("th", { class: "num" + (c.key + "." + c.column === block.primary ? " primary" : ""),
                                    title: c.label, text: info.label || c.key }));
      });
      head.appendChild(el("th", { text: "this system's" }));
      table.appendChild(el("thead", {}, [head]));
      var body = el("tbody");
      if (article) {  // every reference of the target, one row each, when the article has several
        var references = (article.references || {})[view.target] || [article[view.target]];
        references.forEach(function (text, k) {
          body.appendChild(el("tr", { class: "reference" }, [
            el("td", { text: references.length > 1 ? "reference " + (k + 1) : "reference" }),
            el("td", { class: "output", colspan: browser.columns.length + 2, text: text })]));
        });
      }
      block.entries.concat(block.oracles).forEach(function (entry) {
        var found = (outputs[entry.key] || {})[view.article];
        var tr = el("tr", { class: entry.oracle ? "oracle" : null, "data-key": entry.key });
        tr.appendChild(el("td", { class: "system" }, [el("span", { class: "swatch", style: "background:" + block.colors[entry.key] }),
          entry.label + (entry.oracle ? " †" : "")]));
        tr.appendChild(el("td", { class: "output", text: found ? found[0] : "(no output in the embedded sample)" }));
        browser.columns.forEach(function (c, i) {
          tr.appendChild(el("td", { class: "num" + (c.key + "." + c.column === block.primary ? " primary" : ""),
                                    text: found ? scoreText(keyInfo(block, c.key), found[i + 1], 1) : "–" }));
        });
        var jump = el("td", { class: "jump" });
        var ends = extremes[entry.key];
        if (ends) {
          [["best", ends.best], ["worst", ends.worst]].forEach(function (pair) {
            jump.appendChild(el("button", { type: "button", class: "chip small", "data-jump": pair[0],
              title: pair[0] + " article for " + entry.label + " by " + block.primary,
              onclick: function () { view.article = pair[1]; draw(); } }, [pair[0]]));
          });
        }
        tr.appendChild(jump);
        body.appendChild(tr);
        var details = found ? found[browser.columns.length + 1] : null;
        if (details) {  // what metrics noted about this output (annotate()), as plain text
          var lines = Object.keys(details).map(function (m) {
            var value = details[m];
            return m + ": " + (typeof value === "string" ? value : JSON.stringify(value, null, 1));
          });
          body.appendChild(el("tr", { class: "details", "data-key": entry.key }, [el("td"),
            el("td", { class: "details", colspan: browser.columns.length + 1 }, [el("pre", { text: lines.join("\n") })])]));
        }
      });
      table.appendChild(body);
      panel.appendChild(el("div", { class: "table-wrap" }, [table]));
    }
    draw();
    return wrap;
  }

  window.addEventListener("hashchange", function () { readHash(); sortAll(); });

  try {
    render();
    document.documentElement.setAttribute("data-rendered", "true");
  } catch (err) {
    reportError(err && err.stack ? err.stack : err);
  }
})();
