// unspun page behaviour: technique tooltips and legend filtering.
// Loaded as an external file so the Content-Security-Policy can forbid
// inline scripts; the span data arrives as inert JSON.
(function () {
  "use strict";
  var dataEl = document.getElementById("span-data");
  var text = document.getElementById("article-text");
  var tip = document.getElementById("tip");
  if (!dataEl || !text || !tip) return;
  var spans;
  try { spans = JSON.parse(dataEl.textContent) || []; } catch (e) { return; }
  var marks = Array.prototype.slice.call(text.querySelectorAll("mark.hl"));
  var shown = null; // technique index the legend filters to, or null for all
  var pinned = null; // mark whose tooltip was opened by click or keyboard

  function ids(mark) {
    return mark.getAttribute("data-spans").split(" ").map(Number).filter(function (i) {
      return spans[i] && (shown === null || spans[i].t === shown);
    });
  }

  function el(tag, cls, txt) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (txt !== undefined) e.textContent = txt; // textContent: never parsed as HTML
    return e;
  }

  function fill(mark) {
    tip.replaceChildren();
    ids(mark).forEach(function (i, k) {
      var s = spans[i];
      if (k > 0) tip.appendChild(el("div", "sep"));
      var h = el("h3");
      var sw = el("span", "swatch t" + s.t);
      sw.setAttribute("aria-hidden", "true");
      h.appendChild(sw);
      h.appendChild(el("span", "tname", s.name));
      h.appendChild(el("span", "conf", Math.round(s.confidence * 100) + "%"));
      tip.appendChild(h);
      tip.appendChild(el("p", "def", s.definition));
      if (s.cues && s.cues.length) tip.appendChild(el("p", "small", "Cues: " + s.cues.join("; ")));
      if (s.speaker) tip.appendChild(el("p", "small", "Speaker: " + s.speaker));
      else if (s.voice === "quote") tip.appendChild(el("p", "small", "In a quotation"));
      if (s.target) tip.appendChild(el("p", "small", "Labels: " + s.target));
      if (s.alternatives && s.alternatives.length) tip.appendChild(el("p", "small", "Or perhaps: " + s.alternatives.join(", ")));
    });
  }

  function show(mark) {
    if (!ids(mark).length) return;
    marks.forEach(function (m) { m.classList.remove("active"); });
    fill(mark);
    mark.classList.add("active");
    tip.id = "tip";
    mark.setAttribute("aria-describedby", "tip");
    tip.hidden = false;
    var box = text.parentNode.getBoundingClientRect();
    var r = mark.getClientRects()[0] || mark.getBoundingClientRect();
    var left = r.left - box.left;
    var maxLeft = box.width - tip.offsetWidth;
    tip.style.left = Math.max(0, Math.min(left, maxLeft)) + "px";
    tip.style.top = (r.bottom - box.top + 6) + "px";
  }

  function hide() {
    tip.hidden = true;
    marks.forEach(function (m) { m.classList.remove("active"); m.removeAttribute("aria-describedby"); });
    pinned = null;
  }

  marks.forEach(function (m) {
    m.addEventListener("mouseenter", function () { if (!pinned) show(m); });
    m.addEventListener("mouseleave", function () { if (!pinned) hide(); });
    m.addEventListener("focus", function () { show(m); });
    m.addEventListener("blur", function () { if (pinned !== m) hide(); });
    m.addEventListener("click", function (e) {
      e.stopPropagation();
      if (pinned === m) { hide(); return; }
      show(m); pinned = m;
    });
    m.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); show(m); pinned = m; }
      if (e.key === "Escape") hide();
    });
  });
  document.addEventListener("click", function (e) { if (pinned && !tip.contains(e.target)) hide(); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });

  // Legend: show only one technique, or all.
  var buttons = Array.prototype.slice.call(document.querySelectorAll(".legend-item"));
  function applyFilter() {
    marks.forEach(function (m) {
      var all = m.getAttribute("data-spans").split(" ").map(Number);
      var techs = [];
      all.forEach(function (i) { if (spans[i] && techs.indexOf(spans[i].t) < 0) techs.push(spans[i].t); });
      var base = m.className.split(" ").filter(function (c) { return c === "hl" || c === "deep" || c === "active"; });
      var vis = shown === null ? techs : techs.filter(function (t) { return t === shown; });
      if (!vis.length) {
        base.push("off");
        m.setAttribute("tabindex", "-1");
      } else {
        vis.forEach(function (t) { base.push("t" + t); });
        if (vis.length >= 2) base.push("ov-" + vis[0] + "-" + vis[1]);
        m.setAttribute("tabindex", "0");
      }
      m.className = base.join(" ");
    });
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(shown !== null && Number(b.getAttribute("data-t")) === shown));
    });
  }
  buttons.forEach(function (b) {
    b.addEventListener("click", function () {
      var t = Number(b.getAttribute("data-t"));
      shown = shown === t ? null : t;
      hide();
      applyFilter();
    });
  });
})();
