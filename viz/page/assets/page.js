// The interactive page's script (viz.html): applies one step of the pass to the diagram.
//
// The page holds each view's SVG once, finished, and the JSON in #avz-data: for each
// view its steps (caption, rule, the ids to highlight) and "reveal", the first step at
// which each number shows. Showing step k hides every number whose step is after k,
// highlights step k's elements, and pans them into view. A batch's page shows one
// sample at a time: a view's "choices" hold, for each entry of the sample selector,
// every step's caption and rule and the text of every number cell that differs.
// Nothing is loaded from anywhere; user text only ever reaches the page as textContent.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("avz-data").textContent);
  var WORDS = data.words;  // what the script writes, in the page's language (viz.page.html)
  var $ = function (id) { return document.getElementById(id); };
  var stage = $("stage");
  var PX_PER_UNIT = 96 / 72;  // Graphviz draws in points: at zoom 1, text has its own size
  var views = {};
  var state = { view: data.first.name, at: 0, card: null, timer: null,
    sample: data.samples.start };
  // Text at least 10 pixels high (with a little to spare for the view box's rounding):
  // the diagrams' smallest font is 9 points, the cards' 10.
  var MIN_ZOOM = 10.1 / (9 * PX_PER_UNIT), CARD_MIN_ZOOM = 10.1 / (10 * PX_PER_UNIT);

  function outlineOf(el) {  // a node's shape is its first path, polygon or ellipse
    return el && el.querySelector("path, polygon, ellipse");
  }

  function collect(view) {  // the numbers a step may hide, those in the page so far
    view.revealed = [];
    Object.keys(view.spec.reveal).forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { view.revealed.push([el, view.spec.reveal[id]]); }
    });
  }
  function register(spec) {
    var holder = $("view-" + spec.name);
    var view = { spec: spec, holder: holder, svg: holder.querySelector("svg"), revealed: [],
      choices: spec.choices || null };
    collect(view);
    view.home = viewBoxOf(view.svg);
    view.box = null;
    fillCells(view);
    Object.keys(spec.cards).forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { el.classList.add("avz-open"); el.setAttribute("data-card", spec.cards[id]); }
    });
    views[spec.name] = view;
    var button = $("show-" + spec.name);
    if (button) { button.disabled = false; }
    return view;
  }
  function unpack(id) {  // a packed view: base64 of gzip'd JSON (viz.html's _packed)
    var text = atob($(id).textContent), bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }
  // The view shown first is in the page; the others, and the neurons' cards, are
  // unpacked now, in the background; their buttons wait until they are ready.
  var ready = [], cardsReady = false;
  data.views.forEach(function (name) {
    if (name === data.first.name) { return; }
    var button = $("show-" + name);
    if (button) { button.disabled = true; }
    ready.push(unpack("pack-" + name).then(function (spec) {
      $("view-" + name).innerHTML = spec.svg;
      delete spec.svg;
      register(spec);
      crumbs();
    }));
  });
  if ($("choices-" + data.first.name)) {  // the first view's other samples
    ready.push(unpack("choices-" + data.first.name).then(function (choices) {
      views[data.first.name].choices = choices;
      fillCells(views[data.first.name]);
      selector();
    }));
  }
  if ($("pack-cards")) {
    ready.push(unpack("pack-cards").then(function (pack) {
      $("cards").innerHTML = pack.svg;
      cardsReady = true;
      if (views.network) { fillCells(views.network); }
      if (views.network) {  // the cards' numbers follow the steps too
        collect(views.network);
        if (state.view === "network") { apply(views.network, state.at); }
      }
      crumbs();
    }));
  }

  // -- one sample, one truth ----------------------------------------------------------
  function fillCells(view) {  // every number cell of the view as the chosen sample has it
    if (!view.choices) { return; }
    var cells = view.choices.cells;
    Object.keys(cells).forEach(function (id) {
      var el = document.getElementById(id);
      if (!el) { return; }
      var lines = cells[id][state.sample].split("\n");
      var texts = el.querySelectorAll("text");
      for (var i = 0; i < texts.length; i++) {
        texts[i].textContent = i < texts.length - 1 ? (lines[i] || "")
          : lines.slice(i).join(" ");
      }
    });
  }
  function stepText(view, k) {  // [caption, rule] of step k for the chosen sample
    var step = view.spec.steps[k];
    if (view.choices && view.choices.texts[k]) { return view.choices.texts[k][state.sample]; }
    return [step.caption, step.rule];
  }
  function selector() {
    var el = $("sample");
    if (el) { el.disabled = !current().choices; }
  }
  function setSample(i) {
    if (i === state.sample || !current().choices) { return; }
    state.sample = i;
    Object.keys(views).forEach(function (name) { fillCells(views[name]); });
    if ($("sample")) { $("sample").value = String(i); }
    show(state.at);
  }

  // -- the view box: pan and zoom ------------------------------------------------------
  function viewBoxOf(svg) {
    var v = svg.getAttribute("viewBox").split(/[\s,]+/).map(Number);
    return { x: v[0], y: v[1], w: v[2], h: v[3] };
  }
  function cardsSvg() { return $("cards").querySelector("svg"); }
  function shownSvg() {
    return state.card ? cardsSvg() : views[state.view].svg;
  }
  function setBox(svg, box) {
    svg.setAttribute("viewBox", [box.x, box.y, box.w, box.h].map(function (n) {
      return n.toFixed(2);
    }).join(" "));
  }
  function stageSize() {
    return { w: Math.max(stage.clientWidth, 1), h: Math.max(stage.clientHeight, 1) };
  }
  function laidOut() {  // a frame with no size yet: a hidden cell, a background tab
    return stage.clientWidth > 1 && stage.clientHeight > 1;
  }
  function boxAt(center, zoom) {  // the view box showing `center` at `zoom`
    var size = stageSize();
    var w = size.w / (PX_PER_UNIT * zoom), h = size.h / (PX_PER_UNIT * zoom);
    return { x: center.x - w / 2, y: center.y - h / 2, w: w, h: h };
  }
  function zoomOf(box) { return stageSize().w / box.w / PX_PER_UNIT; }
  function reshaped(b) {  // the same centre and zoom, with the stage's current shape
    return boxAt({ x: b.x + b.w / 2, y: b.y + b.h / 2 }, zoomOf(b));
  }
  function fitBox(home) {  // the whole diagram, with the stage's aspect ratio
    var size = stageSize();
    var zoom = Math.min(size.w / home.w, size.h / home.h) / PX_PER_UNIT;
    return boxAt({ x: home.x + home.w / 2, y: home.y + home.h / 2 }, zoom);
  }
  function current() { return views[state.view]; }
  function box() {
    var view = current();
    return state.card ? view.cardBox : view.box;
  }
  function moved() { current().moved = true; }  // the reader panned or zoomed it
  function setCurrentBox(b) {
    var view = current();
    if (state.card) { view.cardBox = b; } else { view.box = b; }
    setBox(shownSvg(), b);
  }
  function zoomBy(factor, cx, cy) {  // cx, cy: the point that stays put, in stage pixels
    var b = box(), size = stageSize();
    if (!b) { return; }
    moved();
    if (cx === undefined) { cx = size.w / 2; cy = size.h / 2; }
    var zoom = Math.max(0.05, Math.min(8, zoomOf(b) * factor));
    factor = zoom / zoomOf(b);
    var px = b.x + cx / size.w * b.w, py = b.y + cy / size.h * b.h;
    var w = b.w / factor, h = b.h / factor;
    setCurrentBox({ x: px - (px - b.x) / factor, y: py - (py - b.y) / factor, w: w, h: h });
  }
  function fit() {
    var view = current();
    setCurrentBox(fitBox(state.card ? view.cardHome : view.home));
  }
  function startBox(view, marks) {  // the whole diagram if its text stays readable
    var home = view.home, fitted = fitBox(home), zoom = zoomOf(fitted);
    if (zoom >= MIN_ZOOM) {  // never blown up past 1.5
      return zoom <= 1.5 ? fitted : boxAt({ x: home.x + home.w / 2, y: home.y + home.h / 2 },
        1.5);
    }
    // else readable text, from the diagram's start (its left edge), as tall as fits,
    // centred on the current step's node: keepInView then brings that node on stage
    var b = boxAt({ x: home.x, y: home.y + home.h / 2 }, MIN_ZOOM);
    b.x = home.x - Math.max(0, b.w - home.w) / 2;
    var r = marks && marks.length ? boundsOf([marks[0]], view.svg) : null;
    if (r) { b.y = (r.y0 + r.y1) / 2 - b.h / 2; }
    b.y = Math.max(home.y, Math.min(b.y, home.y + home.h - b.h));
    if (b.h > home.h) { b.y = home.y + home.h / 2 - b.h / 2; }
    return b;
  }
  function boundsOf(els, svg) {  // the elements' bounding box in the svg's user units
    var inv = svg.getScreenCTM().inverse(), out = null;
    els.forEach(function (el) {
      var b = el.getBBox(), m = inv.multiply(el.getScreenCTM());
      [[b.x, b.y], [b.x + b.width, b.y + b.height]].forEach(function (c) {
        var p = svg.createSVGPoint(); p.x = c[0]; p.y = c[1]; p = p.matrixTransform(m);
        if (!out) { out = { x0: p.x, y0: p.y, x1: p.x, y1: p.y }; }
        out.x0 = Math.min(out.x0, p.x); out.y0 = Math.min(out.y0, p.y);
        out.x1 = Math.max(out.x1, p.x); out.y1 = Math.max(out.y1, p.y);
      });
    });
    return out;
  }
  function keepInView(els) {  // pan (never zoom), as little as will bring `els` on screen
    var view = current();
    if (!els.length || state.card) { return; }
    var b = view.box, r = boundsOf(els, view.svg);
    if (!r) { return; }
    var m = Math.min(b.w, b.h) * 0.04;
    if (els.length > 1 && (r.x1 - r.x0 > b.w - 2 * m || r.y1 - r.y0 > b.h - 2 * m)) {
      // they do not fit together (a box drawn far from its op): centring them all would
      // show none of them, so the first one, the node the step computes, comes first
      r = boundsOf([els[0]], view.svg);
    }
    function shift(lo, hi, start, size) {
      if (hi - lo > size - 2 * m) { return (lo + hi) / 2 - size / 2 - start; }  // too big
      if (lo < start + m) { return lo - m - start; }
      if (hi > start + size - m) { return hi + m - start - size; }
      return 0;
    }
    var dx = shift(r.x0, r.x1, b.x, b.w), dy = shift(r.y0, r.y1, b.y, b.h);
    if (dx || dy) { setCurrentBox({ x: b.x + dx, y: b.y + dy, w: b.w, h: b.h }); }
  }

  var drag = null;
  stage.addEventListener("pointerdown", function (e) {
    if (e.button !== 0 || !box()) { return; }
    drag = { x: e.clientX, y: e.clientY, box: box(), moved: false, target: e.target };
    stage.setPointerCapture(e.pointerId);
  });
  stage.addEventListener("pointermove", function (e) {
    if (!drag) { return; }
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) { return; }
    drag.moved = true;
    moved();
    stage.classList.add("dragging");
    var size = stageSize(), b = drag.box;
    setCurrentBox({ x: b.x - dx / size.w * b.w, y: b.y - dy / size.h * b.h, w: b.w, h: b.h });
  });
  function endDrag(e) {
    if (!drag) { return; }
    var click = !drag.moved, target = drag.target;
    drag = null;
    stage.classList.remove("dragging");
    if (click && e.type === "pointerup") { clicked(target); }
  }
  stage.addEventListener("pointerup", endDrag);
  stage.addEventListener("pointercancel", endDrag);
  stage.addEventListener("wheel", function (e) {
    e.preventDefault();
    var rect = stage.getBoundingClientRect();
    // deltaY in pixels (Chromium), lines (Firefox's mouse wheel: 3 a notch) or pages
    var dy = e.deltaY * (e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? stageSize().h : 1);
    zoomBy(Math.exp(-dy * 0.0015), e.clientX - rect.left, e.clientY - rect.top);
  }, { passive: false });

  // -- drill-down: a neuron opened to its ops ------------------------------------------
  function clicked(target) {
    var el = target && target.closest ? target.closest("[data-card]") : null;
    if (el && state.view === "network" && !state.card) { openCard(el.id); }
  }
  function openCard(unitId) {
    var view = views.network, cardId = view && view.spec.cards[unitId];
    if (!cardId || !cardsReady) { return; }
    stop();
    if (state.view !== "network") { setView("network"); }
    state.card = unitId;
    var svg = cardsSvg();
    Array.prototype.forEach.call(svg.querySelectorAll("g.node"), function (g) {
      g.style.display = g.id === cardId ? "" : "none";
    });
    view.holder.hidden = true;
    $("cards").hidden = false;
    var r = boundsOf([document.getElementById(cardId)], svg);
    var pad = 10;
    view.cardHome = { x: r.x0 - pad, y: r.y0 - pad, w: r.x1 - r.x0 + 2 * pad,
      h: r.y1 - r.y0 + 2 * pad };
    var fitted = fitBox(view.cardHome), home = view.cardHome, zoom = zoomOf(fitted);
    if (zoom > 1.4) {
      view.cardBox = boxAt({ x: home.x + home.w / 2, y: home.y + home.h / 2 }, 1.4);
    } else if (zoom < CARD_MIN_ZOOM) {  // readable text from the card's top left; drag for more
      view.cardBox = boxAt({ x: 0, y: 0 }, CARD_MIN_ZOOM);
      view.cardBox.x = home.x; view.cardBox.y = home.y;
    } else {
      view.cardBox = fitted;
    }
    setBox(svg, view.cardBox);
    crumbs();
  }
  function closeCard() {
    if (!state.card) { return; }
    var view = views.network;
    state.card = null;
    $("cards").hidden = true;
    view.holder.hidden = false;
    crumbs();
  }
  function crumbs() {
    var el = $("crumbs");
    el.textContent = "";
    if (!state.card) {
      el.hidden = state.view !== "network" || !cardsReady;
      if (!el.hidden) { el.textContent = WORDS.openHint; }
      return;
    }
    el.hidden = false;
    var back = document.createElement("button");
    back.id = "crumb-network";
    back.type = "button";
    back.textContent = WORDS.network;
    back.title = WORDS.backTitle;
    back.onclick = closeCard;
    el.appendChild(back);
    el.appendChild(document.createTextNode(" › " + views.network.spec.titles[state.card] +
      WORDS.itsOps));
  }

  // -- a step ----------------------------------------------------------------------------
  function apply(view, k) {
    view.revealed.forEach(function (pair) {
      pair[0].classList.toggle("avz-hidden", pair[1] > k);
    });
    (view.lit || []).forEach(function (el) {
      el.classList.remove("avz-now", "avz-path");
    });
    var step = view.spec.steps[k], lit = [], marks = [];
    step.marks.forEach(function (id) {
      var el = document.getElementById(id);
      if (!el) { return; }
      var outline = outlineOf(el);
      if (outline) { outline.classList.add("avz-outline"); }
      el.classList.add("avz-now"); lit.push(el); marks.push(el);
    });
    step.edges.forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { el.classList.add("avz-path"); lit.push(el); }
    });
    // the step's edges stand out by their width and the rest fading, never by a hue
    // that could hide a weight's colour (its sign)
    view.svg.classList.toggle("avz-dim", step.edges.length > 0);
    view.lit = lit;
    return marks;
  }
  function show(k) {
    var view = current(), steps = view.spec.steps, last = steps.length - 1;
    k = Math.max(0, Math.min(last, k));
    state.at = k;
    if (state.card) { closeCard(); }
    var marks = apply(view, k), text = stepText(view, k);
    $("caption").textContent = text[0];
    var rule = $("rule");
    rule.textContent = "";
    text[1].forEach(function (line) {
      var li = document.createElement("li");
      li.textContent = line;
      rule.appendChild(li);
    });
    $("step").max = last;
    $("step").value = k;
    $("counter").textContent = (k + 1) + " / " + steps.length;
    $("first").disabled = $("prev").disabled = k === 0;
    $("next").disabled = $("last").disabled = k === last;
    $("play").disabled = k === last && !state.timer;
    $("end").hidden = k !== last;
    document.body.setAttribute("data-step", k);
    document.body.setAttribute("data-view", state.view);
    if (!view.box) { return; }  // not laid out yet: placed once the frame has a size
    keepInView(marks);
  }
  function setView(name) {
    if (!views[name] || name === state.view) { return; }
    var link = current().spec.steps[state.at].link, old = current().spec.steps.length;
    closeCard();
    current().holder.hidden = true;
    state.view = name;
    var view = current();
    view.holder.hidden = false;
    // its box as it was, reshaped to the stage (which may have changed while it was hidden)
    view.box = view.box ? reshaped(view.box) : laidOut() ? startBox(view) : null;
    if (view.box) { setBox(view.svg, view.box); }
    data.views.forEach(function (n) {
      var b = $("show-" + n);
      if (b) { b.setAttribute("aria-pressed", String(n === name)); }
    });
    crumbs();
    selector();
    var n = view.spec.steps.length;
    show(link >= 0 ? link : Math.round(state.at / Math.max(old - 1, 1) * (n - 1)));
  }

  // -- play, buttons, keyboard --------------------------------------------------------
  function stop() {
    if (state.timer) { clearInterval(state.timer); state.timer = null; }
    $("play").textContent = WORDS.play;
    $("play").title = WORDS.playTitle;
  }
  function play() {
    if (state.timer) { stop(); show(state.at); return; }
    if (state.at === current().spec.steps.length - 1) { return; }
    state.timer = setInterval(function () {
      if (state.at >= current().spec.steps.length - 1) { stop(); show(state.at); return; }
      show(state.at + 1);
    }, 900);
    $("play").textContent = WORDS.pause;
    $("play").title = WORDS.pauseTitle;
  }
  function go(k) { stop(); show(k); }
  $("first").onclick = function () { go(0); };
  $("prev").onclick = function () { go(state.at - 1); };
  $("next").onclick = function () { go(state.at + 1); };
  $("last").onclick = function () { go(current().spec.steps.length - 1); };
  $("play").onclick = play;
  $("step").addEventListener("input", function () { go(Number($("step").value)); });
  $("zoom-in").onclick = function () { zoomBy(1.25); };
  $("zoom-out").onclick = function () { zoomBy(0.8); };
  $("fit").onclick = fit;
  if ($("sample")) {
    $("sample").addEventListener("change", function () { setSample(Number($("sample").value)); });
  }
  data.views.forEach(function (n) {
    var b = $("show-" + n);
    if (b) { b.onclick = function () { setView(n); }; }
  });
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    if (e.target === $("step") && (e.key === "ArrowLeft" || e.key === "ArrowRight")) {
      return;  // the slider steps itself
    }
    var last = current().spec.steps.length - 1;
    var keys = { ArrowLeft: state.at - 1, ArrowRight: state.at + 1, Home: 0, End: last };
    if (e.key in keys) { go(keys[e.key]); e.preventDefault(); }
    else if (e.key === " ") { play(); e.preventDefault(); }
    else if (e.key === "+" || e.key === "=") { zoomBy(1.25); }
    else if (e.key === "-") { zoomBy(0.8); }
    else if (e.key === "0") { fit(); }
    else if (e.key === "Escape") { closeCard(); }
  });
  // The stage changes size with the window, and with the header when its line wraps
  // (the breadcrumb comes and goes): keep the view box the stage's shape, or dragging
  // and zooming would move the picture at a different speed than the pointer.
  function resized() {
    if (!laidOut()) { return; }
    var view = current();
    // Placed with no size yet, or at a size the frame has since left (a notebook's frame
    // settles after it loads) and not moved by the reader since: place it afresh.
    if (!view.box || (!view.moved && !state.card)) {
      view.box = startBox(view, marks(view, state.at));
      setBox(view.svg, view.box);
      keepInView(marks(view, state.at));
      return;
    }
    var b = box();
    if (b) { setCurrentBox(reshaped(b)); }
  }
  function marks(view, k) {
    return view.spec.steps[k].marks.map(function (id) { return document.getElementById(id); })
      .filter(function (el) { return el; });
  }
  if (window.ResizeObserver) { new ResizeObserver(resized).observe(stage); }
  else { window.addEventListener("resize", resized); }
  document.addEventListener("visibilitychange", resized);  // a background tab, shown

  // For tests and for the curious: the page's state, read-only by convention.
  window.autogradViz = { state: state, show: go, setView: setView, openCard: openCard,
    closeCard: closeCard, setSample: setSample, views: views, ready: Promise.all(ready) };

  var first = register(data.first);
  if (laidOut()) {
    first.box = startBox(first, marks(first, 0));
    setBox(first.svg, first.box);
  }
  crumbs();
  show(0);
})();
