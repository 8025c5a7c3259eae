// unspun review mode: accept, reject, relabel, add and adjust the
// highlights of an article, keyboard first, saved at once through
// PUT /api/v1/articles/{id}/review. Offsets are code points of the
// article's text, as everywhere in unspun (JavaScript strings count UTF-16
// units, so the text is handled as an array of code points).
(function () {
  "use strict";
  var initEl = document.getElementById("review-init");
  var textEl = document.getElementById("article-text");
  if (!initEl || !textEl) return;
  var init;
  try { init = JSON.parse(initEl.textContent); } catch (e) { return; }
  var model = [];
  try { model = JSON.parse(document.getElementById("span-data").textContent) || []; } catch (e) { model = []; }
  var cps = Array.from(init.text);
  var statusEl = document.getElementById("review-status");
  var tools = document.getElementById("review-tools");
  var startBtn = document.getElementById("review-start");
  var nameEl = document.getElementById("reviewer");
  var tokenEl = document.getElementById("review-token");
  var techEl = document.getElementById("review-tech");
  var url = "/api/v1/articles/" + init.id + "/review";

  // Techniques: label → colour index, and the number keys.
  var colour = {}, names = {}, keys = {};
  Array.prototype.forEach.call(techEl.options, function (o) {
    colour[o.value] = Number(o.getAttribute("data-t"));
    names[o.value] = o.textContent.replace(/^\d · /, "");
    var k = o.getAttribute("data-key");
    if (k) keys[k] = o.value;
  });

  var spans = [];     // {start, end, technique, status}
  var cur = -1;       // index of the current fragment
  var history = [];   // snapshots for undo
  var active = false;
  var done = false;

  function say(msg) { statusEl.textContent = msg; }
  function sortSpans() {
    var c = spans[cur];
    spans.sort(function (a, b) { return a.start - b.start || a.end - b.end || (a.technique < b.technique ? -1 : a.technique > b.technique ? 1 : 0); });
    cur = c ? spans.indexOf(c) : -1;
  }
  function snapshot() { history.push(JSON.stringify({ spans: spans, cur: cur })); if (history.length > 200) history.shift(); }

  // render draws the text with the review's fragments; overlapping
  // fragments cut it into segments at every boundary.
  function render() {
    var cuts = [0, cps.length];
    spans.forEach(function (s) { cuts.push(s.start, s.end); });
    cuts = cuts.filter(function (c, i, a) { return a.indexOf(c) === i; }).sort(function (a, b) { return a - b; });
    var frag = document.createDocumentFragment();
    for (var k = 0; k + 1 < cuts.length; k++) {
      var a = cuts[k], b = cuts[k + 1];
      var txt = cps.slice(a, b).join("");
      var ids = [];
      spans.forEach(function (s, i) { if (s.start <= a && b <= s.end) ids.push(i); });
      if (!ids.length) { frag.appendChild(document.createTextNode(txt)); continue; }
      var m = document.createElement("mark");
      var techs = [];
      ids.forEach(function (i) { var t = colour[spans[i].technique]; if (techs.indexOf(t) < 0) techs.push(t); });
      var cls = ["hl", "rv"];
      techs.forEach(function (t) { cls.push("t" + t); });
      if (techs.length >= 2) cls.push("ov-" + techs[0] + "-" + techs[1]);
      if (ids.indexOf(cur) >= 0) cls.push("sel");
      if (ids.every(function (i) { return spans[i].status === "accepted" || spans[i].status === "added" || spans[i].status === "relabelled"; })) cls.push("ok");
      m.className = cls.join(" ");
      m.setAttribute("data-ids", ids.join(" "));
      m.setAttribute("aria-label", ids.map(function (i) { return names[spans[i].technique] + " (" + spans[i].status + ")"; }).join(", ") + ": " + txt);
      m.textContent = txt;
      frag.appendChild(m);
    }
    textEl.replaceChildren(frag);
    var s = spans[cur];
    if (s) {
      var sel = textEl.querySelector("mark.sel");
      if (sel && sel.scrollIntoView) sel.scrollIntoView({ block: "nearest" });
      say("Fragment " + (cur + 1) + " of " + spans.length + ": " + names[s.technique] + " (" + s.status + ") “" + cps.slice(s.start, s.end).join("") + "”");
    }
  }

  function reviewedLine(r) {
    if (!r.updated) return "";
    var when = new Date(r.updated).toLocaleString();
    return (r.done ? "Reviewed by " : "Review in progress by ") + r.reviewer + " at " + when + " on model " + (r.model || init.model);
  }

  function headers() {
    var h = { "Content-Type": "application/json" };
    var tok = tokenEl && tokenEl.value ? tokenEl.value : "";
    if (tok) h.Authorization = "Bearer " + tok;
    return h;
  }

  var saving = Promise.resolve();
  function save() {
    var name = nameEl.value.trim();
    if (!name) { say("Type your name to save the review."); nameEl.focus(); return; }
    try { localStorage.setItem("unspun-reviewer", name); } catch (e) { /* private mode */ }
    var body = JSON.stringify({ reviewer: name, done: done, spans: spans.map(function (s) { return { start: s.start, end: s.end, technique: s.technique }; }) });
    saving = saving.then(function () {
      return fetch(url, { method: "PUT", headers: headers(), body: body, credentials: "same-origin" }).then(function (resp) {
        return resp.json().then(function (j) {
          if (!resp.ok) { say("Not saved: " + (j.error || resp.status)); return; }
          document.body.setAttribute("data-review-saved", String(Number(document.body.getAttribute("data-review-saved") || 0) + 1));
          var line = reviewedLine(j);
          statusEl.setAttribute("data-line", line);
          if (done) say(line);
        });
      }).catch(function (e) { say("Not saved: " + e); });
    });
  }

  function change(f) {
    snapshot();
    f();
    sortSpans();
    render();
    save();
  }

  function move(d) {
    if (!spans.length) return;
    cur = cur < 0 ? (d > 0 ? 0 : spans.length - 1) : (cur + d + spans.length) % spans.length;
    render();
  }

  // selection returns the selected text's code-point range in the article, or null.
  function selection() {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) return null;
    var r = sel.getRangeAt(0);
    if (!textEl.contains(r.startContainer) || !textEl.contains(r.endContainer)) return null;
    function offset(node, off) {
      var n = 0, walker = document.createTreeWalker(textEl, NodeFilter.SHOW_TEXT), t;
      if (node.nodeType !== 3) {
        // A position between elements: count the text before that child.
        var before = node.childNodes[off];
        while ((t = walker.nextNode())) {
          if (before && (before === t || before.contains(t))) return n;
          n += Array.from(t.data).length;
        }
        return n;
      }
      while ((t = walker.nextNode())) {
        if (t === node) return n + Array.from(t.data.slice(0, off)).length;
        n += Array.from(t.data).length;
      }
      return n;
    }
    var a = offset(r.startContainer, r.startOffset), b = offset(r.endContainer, r.endOffset);
    // Trim white space at the edges, as the corpus does.
    while (a < b && /\s/.test(cps[a])) a++;
    while (b > a && /\s/.test(cps[b - 1])) b--;
    return a < b ? { start: a, end: b } : null;
  }

  function act(name, tech) {
    var s = spans[cur];
    tech = tech || techEl.value;
    switch (name) {
      case "next": move(1); return;
      case "prev": move(-1); return;
      case "undo":
        if (!history.length) { say("Nothing to undo."); return; }
        var h = JSON.parse(history.pop());
        spans = h.spans; cur = h.cur; render(); save(); return;
      case "done":
        done = !done;
        document.getElementById("review-done").textContent = done ? "Reopen the review" : "Mark review done";
        change(function () {});
        return;
      case "add":
        var r = selection();
        if (!r) { say("Select some text of the article first."); return; }
        change(function () { var n = { start: r.start, end: r.end, technique: tech, status: "added" }; spans.push(n); cur = spans.indexOf(n); });
        window.getSelection().removeAllRanges();
        return;
    }
    if (!s) { say("No fragment chosen: press j for the first."); return; }
    change(function () {
      switch (name) {
        case "accept": s.status = "accepted"; break;
        case "reject": spans.splice(cur, 1); cur = Math.min(cur, spans.length - 1); break;
        case "relabel":
          if (s.technique === tech) break;
          // Relabelling one of a fragment's two techniques to the other
          // leaves one fragment, not a duplicate row.
          if (spans.some(function (x) { return x !== s && x.start === s.start && x.end === s.end && x.technique === tech; })) {
            spans.splice(cur, 1); cur = Math.min(cur, spans.length - 1); break;
          }
          s.technique = tech; s.status = "relabelled"; break;
        case "second":
          var n = { start: s.start, end: s.end, technique: tech, status: "added" };
          if (!spans.some(function (x) { return x.start === n.start && x.end === n.end && x.technique === n.technique; })) spans.push(n);
          break;
        case "start-": if (s.start > 0) s.start--; break;
        case "start+": if (s.start + 1 < s.end) s.start++; break;
        case "end-": if (s.end - 1 > s.start) s.end--; break;
        case "end+": if (s.end < cps.length) s.end++; break;
      }
    });
  }

  function begin(review) {
    active = true;
    tools.hidden = false;
    startBtn.hidden = true;
    textEl.classList.add("reviewing");
    var tip = document.getElementById("tip");
    if (tip) tip.hidden = true;
    if (review && review.updated) {
      spans = review.spans.map(function (s) { return { start: s.start, end: s.end, technique: s.technique, status: "kept" }; });
      done = review.done;
      document.getElementById("review-done").textContent = done ? "Reopen the review" : "Mark review done";
      if (!nameEl.value) nameEl.value = review.reviewer;
    } else {
      spans = [];
      model.forEach(function (m) {
        (m.labels && m.labels.length ? m.labels : []).forEach(function (l) { spans.push({ start: m.start, end: m.end, technique: l, status: "model" }); });
      });
    }
    cur = -1;
    sortSpans();
    render();
  }

  try { nameEl.value = localStorage.getItem("unspun-reviewer") || ""; } catch (e) { /* private mode */ }
  startBtn.addEventListener("click", function () { begin(null); say("Reviewing: j/k to move between fragments, a accept, x reject, 1–9/0 relabel, u undo."); });
  Array.prototype.forEach.call(tools.querySelectorAll("button[data-act]"), function (b) {
    b.addEventListener("click", function () { act(b.getAttribute("data-act")); });
  });
  // Tap or click a fragment to make it current.
  textEl.addEventListener("click", function (e) {
    if (!active) return;
    var m = e.target.closest && e.target.closest("mark.rv");
    if (!m || !window.getSelection().isCollapsed) return;
    var ids = m.getAttribute("data-ids").split(" ").map(Number);
    var k = ids.indexOf(cur);
    cur = ids[(k + 1) % ids.length];
    render();
  });
  document.addEventListener("keydown", function (e) {
    if (!active || e.ctrlKey || e.metaKey || e.altKey) return;
    var tag = e.target && e.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
    var digit = /^Digit(\d)$/.exec(e.code || "");
    var k = digit ? digit[1] : e.key;
    if (keys[k]) {
      e.preventDefault();
      techEl.value = keys[k];
      if (selection()) act("add", keys[k]);
      else act(e.shiftKey ? "second" : "relabel", keys[k]);
      return;
    }
    var map = { j: "next", ArrowRight: "next", k: "prev", ArrowLeft: "prev", a: "accept", x: "reject", u: "undo", "[": "start-", "]": "start+", "{": "end-", "}": "end+" };
    if (map[e.key]) { e.preventDefault(); act(map[e.key]); }
  });

  fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (r) {
    if (r && r.updated) {
      begin(r);
      say(reviewedLine(r));
    }
    document.body.setAttribute("data-review-loaded", "1");
  }).catch(function () { document.body.setAttribute("data-review-loaded", "1"); });
})();
