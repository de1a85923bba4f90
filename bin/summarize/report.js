// SPDX-License-Identifier: MIT
// report.js - the page of dhat-summarize --format=html: the overview, the
// flame graph (click to zoom, search, switch metric), the sortable table
// of sites with their stacks, and the leaks, drawn from the profile's
// data in the page's "data" element.
(function () {
  "use strict";

  var D = JSON.parse(document.getElementById("data").textContent);
  var METRIC_NAMES = {
    "total-bytes": "Total bytes", "at-tgmax": "At peak (t-gmax)",
    "at-tend": "At end (t-end)", "total-blocks": "Blocks allocated"
  };
  var FIELD = {
    "total-bytes": "tb", "at-tgmax": "gb", "at-tend": "eb",
    "total-blocks": "tbk"
  };
  var bytesUnit = D.bytes_unit, blocksUnit = D.blocks_unit;

  // ---- formatting --------------------------------------------------------

  function num(n) { return Number(n).toLocaleString("en-US"); }

  // "1 block", "2 blocks": UNIT is the plural.
  function count(n, unit) {
    return num(n) + " " + (n === 1 && /s$/.test(unit) ?
      unit.slice(0, -1) : unit);
  }

  // Bytes in binary units when the profile counts bytes.
  function size(n) {
    var units = ["KiB", "MiB", "GiB", "TiB"], v = n, u = -1;
    if (bytesUnit !== "bytes" || n < 1024) return count(n, bytesUnit);
    while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
    return v.toFixed(v < 10 ? 2 : 1) + " " + units[u];
  }

  function pct(part, whole) {
    return whole > 0 ? (100 * part / whole).toFixed(2) + "%" : "0%";
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // The frame that names a site: the first that is not the allocator's
  // own (libdhat's or Valgrind's entry point, operator new).
  var ALLOCATOR = /^(malloc|calloc|realloc|free|memalign|posix_memalign|aligned_alloc|valloc|pvalloc|reallocarray|operator new|operator new\[\])\b|\((in )?(interpose\.c|cxx\.c|[^)]*vgpreload)/;
  // Its caller's function follows, as sites often share the first.
  function fnOf(frame) {
    var i = frame.lastIndexOf(" (");
    return i > 0 ? frame.substring(0, i) : frame;
  }
  function siteName(s) {
    for (var i = 0; i < s.fs.length; i++) {
      var f = D.frames[s.fs[i]];
      if (ALLOCATOR.test(f)) continue;
      return i + 1 < s.fs.length ? f + " \u2190 " + fnOf(D.frames[s.fs[i + 1]]) : f;
    }
    return s.fs.length ? D.frames[s.fs[0]] : "[root]";
  }

  // ---- the page's frame --------------------------------------------------

  function header() {
    var h = el("header");
    h.appendChild(el("h1", null, "dhat report: " + D.file));
    h.appendChild(el("div", "cmd", D.cmd + "  (pid " + D.pid + ", " +
      D.mode + ")"));
    document.body.appendChild(h);
    var nav = el("nav");
    [["overview", "Overview"], ["timeline", "Memory over time"],
     ["flame", "Flame graph"], ["sites", "Sites"], ["leaks", "Leaks"]]
      .forEach(function (p) {
        var a = el("a", null, p[1]);
        a.href = "#" + p[0];
        nav.appendChild(a);
      });
    document.body.appendChild(nav);
  }

  function section(id, title) {
    var s = el("section");
    s.id = id;
    s.appendChild(el("h2", null, title));
    document.body.appendChild(s);
    return s;
  }

  // ---- overview ----------------------------------------------------------

  function card(parent, label, value, sub) {
    var c = el("div", "card");
    c.appendChild(el("div", "label", label));
    c.appendChild(el("div", "value", value));
    if (sub) c.appendChild(el("div", "sub", sub));
    parent.appendChild(c);
  }

  // The first N sites by FIELD, as a list with bars.
  function topList(parent, title, field, n, unit) {
    var box = el("div"), total = D.totals[field];
    box.appendChild(el("h3", null, title));
    var sites = D.sites.filter(function (s) { return s[field] > 0; })
      .sort(function (a, b) { return b[field] - a[field]; }).slice(0, n);
    if (sites.length === 0) {
      box.appendChild(el("div", "muted", "none"));
    } else {
      var ol = el("ol", "top");
      sites.forEach(function (s) {
        var li = el("li");
        li.appendChild(el("div", "fn", siteName(s)));
        li.appendChild(el("div", "muted", unit(s[field]) + " (" +
          pct(s[field], total) + ")"));
        var bar = el("div", "bar");
        bar.style.width = pct(s[field], total);
        li.appendChild(bar);
        ol.appendChild(li);
      });
      box.appendChild(ol);
    }
    parent.appendChild(box);
  }

  function overview() {
    var s = section("overview", "Overview"), t = D.totals;
    var cards = el("div", "cards");
    card(cards, "Allocated", size(t.tb), count(t.tbk, blocksUnit));
    if (D.bklt) {
      card(cards, "Peak (t-gmax)", size(t.gb), count(t.gbk, blocksUnit) +
        " live");
      card(cards, "Live at end (t-end)", size(t.eb), count(t.ebk,
        blocksUnit));
    }
    card(cards, "Program points", num(D.program_points),
      D.rest.n > 0 ? num(D.sites.length) + " shown, " + num(D.rest.n) +
      " summed" : "all shown");
    s.appendChild(cards);
    var lists = el("div", "lists");
    if (D.bklt) {
      topList(lists, "Top contributors to the peak", "gb", 5, size);
      topList(lists, "Leaks: live at end", "eb", 5, size);
    }
    topList(lists, "Most allocation calls", "tbk", 5,
      function (n) { return count(n, blocksUnit); });
    s.appendChild(lists);
  }

  function svgEl(tag, attrs) {
    var e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  // Live bytes over time: an area chart, the peak marked, a point's
  // figures under the pointer.
  function timelineChart(div) {
    var pts = D.timeline, W = 900, H = 220, L = 70, B = 24, T = 10;
    var end = Math.max(D.te, pts[pts.length - 1][0]) || 1, most = 0, peak = 0;
    pts.forEach(function (p, i) { if (p[1] > most) { most = p[1]; peak = i; } });
    most = most || 1;
    function x(t) { return L + (W - L - 10) * t / end; }
    function y(v) { return T + (H - T - B) * (1 - v / most); }
    var svg = svgEl("svg", { viewBox: "0 0 " + W + " " + H, width: "100%" });
    var d = "M" + x(0) + "," + y(0), last = 0;
    pts.forEach(function (p) {
      d += " L" + x(p[0]).toFixed(1) + "," + y(last).toFixed(1) +
        " L" + x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1);
      last = p[1];
    });
    d += " L" + x(end).toFixed(1) + "," + y(last).toFixed(1) + " L" +
      x(end).toFixed(1) + "," + y(0) + " Z";
    svg.appendChild(svgEl("path", { d: d, fill: "#e8a33d", "fill-opacity":
      "0.6", stroke: "#c2761a", "stroke-width": "1" }));
    svg.appendChild(svgEl("line", { x1: L, y1: y(0), x2: W - 10, y2: y(0),
      stroke: "#888" }));
    svg.appendChild(svgEl("line", { x1: L, y1: T, x2: L, y2: y(0),
      stroke: "#888" }));
    [[most, T + 4], [most / 2, y(most / 2) + 4], [0, y(0) + 4]]
      .forEach(function (l) {
        var t = svgEl("text", { x: L - 6, y: l[1], "text-anchor": "end",
          "font-size": "11" });
        t.textContent = size(Math.round(l[0]));
        svg.appendChild(t);
      });
    var tx = svgEl("text", { x: W - 10, y: H - 6, "text-anchor": "end",
      "font-size": "11" });
    tx.textContent = num(end) + " " + D.tu;
    svg.appendChild(tx);
    var px = x(pts[peak][0]);
    svg.appendChild(svgEl("line", { x1: px, y1: T, x2: px, y2: y(0),
      stroke: "#c00", "stroke-dasharray": "3,3" }));
    var right = px > W * 0.75;
    var pl = svgEl("text", { x: right ? px - 4 : px + 4, y: T + 12,
      "font-size": "11", fill: "#c00", "text-anchor": right ? "end" : "start" });
    pl.id = "timeline-peak";
    pl.textContent = "peak " + size(pts[peak][1]);
    svg.appendChild(pl);
    var info = el("div", "muted", " ");
    info.id = "timeline-info";
    svg.addEventListener("mousemove", function (e) {
      var r = svg.getBoundingClientRect();
      var t = (e.clientX - r.left) * W / r.width;
      t = (t - L) / (W - L - 10) * end;
      var v = null;
      pts.forEach(function (p) { if (p[0] <= t) v = p; });
      if (v) info.textContent = "at " + num(v[0]) + " " + D.tu + ": " +
        size(v[1]) + " in " + count(v[2], blocksUnit) + " live";
    });
    div.appendChild(svg);
    div.appendChild(info);
  }

  // What was live at a moment (FIELD: gb at the peak, eb at the end),
  // stacked by the first sites, the rest as one.
  function stackedBar(parent, title, field) {
    var total = D.totals[field], colours = ["#c2761a", "#e8a33d", "#7a9cc6",
      "#9bc17a", "#c67a9c"], left = 0, row = el("div", "stack-row");
    var sites = D.sites.filter(function (x) { return x[field] > 0; })
      .sort(function (a, b) { return b[field] - a[field]; }).slice(0, 5);
    row.appendChild(el("div", "muted", title + ": " + size(total)));
    var bar = el("div", "stack-bar");
    sites.forEach(function (x, i) {
      var seg = el("div", "seg");
      seg.style.width = pct(x[field], total);
      seg.style.background = colours[i];
      seg.title = siteName(x) + ": " + size(x[field]) + " (" +
        pct(x[field], total) + ")";
      left += x[field];
      bar.appendChild(seg);
    });
    if (total > left) {
      var rest = el("div", "seg");
      rest.style.width = pct(total - left, total);
      rest.style.background = "#ccc";
      rest.title = "other sites: " + size(total - left);
      bar.appendChild(rest);
    }
    row.appendChild(bar);
    var legend = el("div", "legend");
    sites.forEach(function (x, i) {
      var item = el("span", "fn", siteName(x) + " " + pct(x[field], total));
      item.style.borderLeft = "10px solid " + colours[i];
      legend.appendChild(item);
    });
    row.appendChild(legend);
    parent.appendChild(row);
  }

  function timeline() {
    var s = section("timeline", "Memory over time");
    var div = el("div");
    div.id = "timeline-chart";
    s.appendChild(div);
    if (D.bklt) {
      var stacks = el("div");
      stacks.id = "timeline-sites";
      stackedBar(stacks, "Live at the peak, by site", "gb");
      stackedBar(stacks, "Live at the end, by site", "eb");
      s.appendChild(stacks);
    }
    if (D.timeline && D.timeline.length > 0) {
      timelineChart(div);
      return;
    }
    div.className = "muted";
    div.textContent = "This profile has no record of memory over time " +
      "(it was written by another tool or an older libdhat).";
  }

  // ---- flame graph ---------------------------------------------------------

  var flame = { nodes: [], metric: 0, zoom: 0, rx: null };

  function buildFlame() {
    D.flame.forEach(function (r, i) {
      var n = { id: i, name: r[0] >= 0 ? D.fnames[r[0]] : r[r.length - 1],
        parent: r[1], w: r.slice(2, 2 + D.metrics.length), kids: [],
        depth: 0 };
      flame.nodes.push(n);
      if (n.parent >= 0) {
        flame.nodes[n.parent].kids.push(n);
        n.depth = flame.nodes[n.parent].depth + 1;
      }
    });
  }

  function colour(name) {
    var h = 0;
    for (var i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
    return "rgb(" + (205 + h % 50) + "," + (80 + (h >>> 8) % 130) + "," +
      ((h >>> 16) % 55) + ")";
  }

  function flameLabel(n) {
    var m = flame.metric, w = n.w[m], root = flame.nodes[0].w[m];
    var f = FIELD[D.metrics[m]];
    return n.name + "  (" + (f === "tbk" ? count(w, blocksUnit) :
      size(w)) + ", " + pct(w, root) + ")";
  }

  // Lays out the kids of N between X and X + W, one row below.
  function layout(n, x, w, out) {
    var m = flame.metric, total = n.w[m];
    if (total <= 0) return;
    n.kids.forEach(function (k) {
      var kw = w * k.w[m] / total;
      if (kw >= 1) {
        out.push({ n: k, x: x, w: kw });
        layout(k, x, kw, out);
      }
      x += kw;
    });
  }

  function drawFlame() {
    var g = document.getElementById("flame-graph");
    var W = g.clientWidth, m = flame.metric, z = flame.nodes[flame.zoom];
    var out = [], chain = [];
    for (var a = z; a; a = a.parent >= 0 ? flame.nodes[a.parent] : null)
      chain.unshift(a);
    chain.forEach(function (a) {
      out.push({ n: a, x: 0, w: W, dim: a !== z });
    });
    if (z.w[m] > 0) layout(z, 0, W, out);
    var depth = 0;
    out.forEach(function (b) { if (b.n.depth > depth) depth = b.n.depth; });
    g.textContent = "";
    g.style.height = (depth + 1) * 17 + 2 + "px";
    var matched = 0;
    out.forEach(function (b) {
      var d = el("div", "box" + (b.dim ? " dim" : ""), b.n.name);
      d.style.left = b.x + "px";
      d.style.width = b.w + "px";
      d.style.top = b.n.depth * 17 + "px";
      d.style.background = colour(b.n.name);
      d.title = flameLabel(b.n);
      d.dataset.node = b.n.id;
      if (flame.rx && flame.rx.test(b.n.name)) {
        d.className += " hit";
      }
      g.appendChild(d);
    });
    if (flame.rx) {
      // Each matching stack counts once: only the outermost matches.
      var seen = function (n) {
        for (var p = n.parent; p >= 0; p = flame.nodes[p].parent)
          if (flame.rx.test(flame.nodes[p].name)) return true;
        return false;
      };
      flame.nodes.forEach(function (n) {
        if (flame.rx.test(n.name) && !seen(n)) matched += n.w[m];
      });
      document.getElementById("flame-matched").textContent = "Matched: " +
        pct(matched, flame.nodes[0].w[m]);
    } else {
      document.getElementById("flame-matched").textContent = "";
    }
    document.getElementById("flame-reset").disabled = flame.zoom === 0;
  }

  function flameSection() {
    var s = section("flame", "Flame graph");
    s.appendChild(el("div", "muted", "Stacks from the outermost frame " +
      "down, frames merged by function; click a box to zoom into it."));
    var c = el("div", "controls");
    D.metrics.forEach(function (name, i) {
      var b = el("button", i === 0 ? "on" : "", METRIC_NAMES[name] || name);
      b.dataset.metric = i;
      b.addEventListener("click", function () {
        flame.metric = i;
        Array.prototype.forEach.call(c.querySelectorAll("button[data-metric]"),
          function (o) { o.className = o === b ? "on" : ""; });
        drawFlame();
      });
      c.appendChild(b);
    });
    var reset = el("button", null, "Reset zoom");
    reset.id = "flame-reset";
    reset.addEventListener("click", function () { flame.zoom = 0; drawFlame(); });
    c.appendChild(reset);
    var search = el("input");
    search.type = "search";
    search.id = "flame-search";
    search.placeholder = "Search functions (regular expression)";
    search.addEventListener("input", function () {
      flame.rx = null;
      if (search.value !== "") {
        try { flame.rx = new RegExp(search.value, "i"); }
        catch (err) { flame.rx = null; }
      }
      drawFlame();
    });
    c.appendChild(search);
    c.appendChild(el("span", null, "")).id = "flame-matched";
    s.appendChild(c);
    var g = el("div");
    g.id = "flame-graph";
    g.addEventListener("click", function (e) {
      var id = e.target.dataset ? e.target.dataset.node : undefined;
      if (id !== undefined) { flame.zoom = +id; drawFlame(); }
    });
    g.addEventListener("mouseover", function (e) {
      document.getElementById("flame-details").textContent =
        e.target.title || "";
    });
    s.appendChild(g);
    s.appendChild(el("div", null, "")).id = "flame-details";
    buildFlame();
    drawFlame();
    window.addEventListener("resize", drawFlame);
  }

  // ---- tables of sites -------------------------------------------------

  function stackRow(s, ncols) {
    var tr = el("tr", "stack"), td = el("td");
    td.colSpan = ncols;
    var ol = el("ol");
    s.fs.forEach(function (f) { ol.appendChild(el("li", null, D.frames[f])); });
    if (s.fs.length === 0) ol.appendChild(el("li", null, "[root]"));
    td.appendChild(ol);
    tr.appendChild(td);
    return tr;
  }

  // A sortable table of SITES with COLUMNS [title, field or function,
  // format]; a click on a row shows its stack under it.
  function siteTable(parent, id, sites, columns, sortBy, filterInput) {
    var table = el("table"), thead = el("thead"), tbody = el("tbody");
    var state = { col: sortBy };
    table.id = id;
    var hr = el("tr");
    columns.forEach(function (c, i) {
      var th = el("th", i === 0 ? "site" : "", c[0]);
      th.addEventListener("click", function () { state.col = i; fill(); });
      hr.appendChild(th);
    });
    thead.appendChild(hr);
    table.appendChild(thead);
    table.appendChild(tbody);
    function value(s, c) { return typeof c[1] === "function" ? c[1](s) : s[c[1]]; }
    function fill() {
      var c = columns[state.col], rx = null;
      if (filterInput && filterInput.value !== "") {
        try { rx = new RegExp(filterInput.value, "i"); } catch (err) { rx = null; }
      }
      var rows = sites.filter(function (s) {
        return !rx || s.fs.some(function (f) { return rx.test(D.frames[f]); });
      });
      rows.sort(function (a, b) {
        var x = value(a, c), y = value(b, c);
        if (typeof x === "string") return x < y ? -1 : x > y ? 1 : 0;
        return y - x;
      });
      Array.prototype.forEach.call(hr.children, function (th, i) {
        th.className = (i === 0 ? "site" : "") + (i === state.col ? " sorted" : "");
      });
      tbody.textContent = "";
      rows.forEach(function (s) {
        var tr = el("tr", "row");
        columns.forEach(function (col, i) {
          tr.appendChild(el("td", i === 0 ? "site fn" : "", col[2](value(s, col))));
        });
        tr.addEventListener("click", function () {
          var next = tr.nextSibling;
          if (next && next.className === "stack") tbody.removeChild(next);
          else tbody.insertBefore(stackRow(s, columns.length), next);
        });
        tbody.appendChild(tr);
      });
    }
    if (filterInput) filterInput.addEventListener("input", fill);
    fill();
    parent.appendChild(table);
  }

  function ident(v) { return v; }

  function sitesSection() {
    var s = section("sites", "Sites");
    var c = el("div", "controls");
    var filter = el("input");
    filter.type = "search";
    filter.id = "sites-filter";
    filter.placeholder = "Filter by any frame (regular expression)";
    c.appendChild(filter);
    if (D.rest.n > 0)
      c.appendChild(el("span", "muted", num(D.rest.n) + " smaller program " +
        "points are summed: " + size(D.rest.tb) + " in " +
        count(D.rest.tbk, blocksUnit)));
    s.appendChild(c);
    var cols = [["Site", siteName, ident], ["Total", "tb", size],
      ["Calls", "tbk", num],
      ["Avg size", function (x) { return x.tbk ? Math.round(x.tb / x.tbk) : 0; }, num]];
    if (D.bklt) {
      cols.push(["At peak", "gb", size], ["At end", "eb", size],
        ["Avg lifetime (" + D.tu + ")",
         function (x) { return x.tbk ? Math.round(x.tl / x.tbk) : 0; }, num]);
    }
    siteTable(s, "sites-table", D.sites, cols, 1, filter);
  }

  function leaksSection() {
    var s = section("leaks", "Leaks");
    if (!D.bklt) {
      s.appendChild(el("div", "muted", "This profile has no block " +
        "lifetimes: what was live at the end is not known."));
      return;
    }
    var leaks = D.sites.filter(function (x) { return x.eb > 0 || x.ebk > 0; });
    s.appendChild(el("div", "muted", size(D.totals.eb) + " in " +
      count(D.totals.ebk, blocksUnit) + " live at the end, from " +
      num(leaks.length) + " site" + (leaks.length === 1 ? "" : "s") +
      (D.rest.eb > 0 ? " shown and others summed" : "") + "."));
    if (leaks.length > 0)
      siteTable(s, "leaks-table", leaks, [["Site", siteName, ident],
        ["Live at end", "eb", size], ["Blocks", "ebk", num]], 1, null);
  }

  header();
  overview();
  timeline();
  flameSection();
  sitesSection();
  leaksSection();
  document.body.dataset.ready = "yes";
}());
