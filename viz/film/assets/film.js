// The film's script (viz.film.page): shows frame f by changing the picture's shapes.
//
// #film-data holds the layout (units, weights, boxes, cursors); #film-frames, gzip'd,
// every frame's numbers: weights and gradients (float64), heat maps and the prediction
// (bytes), texts, the cursor's place and the curves' dots. A weight's colour, width and
// opacity and a heat map's colours follow the same formulas as viz/film/style.py.
// Nothing is loaded from anywhere; user text only ever reaches the page as textContent.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var meta = JSON.parse($("film-data").textContent);
  // What the script writes, in the page's language (viz.film.page): a template's {field}s
  // are filled in here.
  function say(key, fields) {
    return meta.words[key].replace(/\{(\w+)\}/g, function (all, name) {
      return String(fields[name]);
    });
  }
  var F = meta.frames, U = meta.units.length, W = meta.weights.length;
  var frames = null, state = { f: F - 1, timer: null, history: null };
  var POS = rgb(meta.colours.positive), NEG = rgb(meta.colours.negative);

  function rgb(hex) {
    return [1, 3, 5].map(function (i) { return parseInt(hex.slice(i, i + 2), 16); });
  }
  function hex(c) {
    return "#" + c.map(function (v) { return (v < 16 ? "0" : "") + v.toString(16); }).join("");
  }
  // style.shade for one value t in [-1, 1]: white at 0, blue at +1, orange at -1.
  function shade(t) {
    var end = t >= 0 ? POS : NEG, a = Math.abs(t);
    return end.map(function (e) { return Math.floor(255 + (e - 255) * a + 0.5); });
  }
  function decode(code) { return code / 127.5 - 1; }
  // style.weight_stroke: the colour of the sign, width and opacity growing with |w|.
  function weightStroke(w, scale) {
    var size = scale > 0 ? Math.min(1, Math.abs(w) / scale) : 0;
    return [w >= 0 ? meta.colours.positive : meta.colours.negative,
      meta.width[0] + (meta.width[1] - meta.width[0]) * size, 0.2 + 0.8 * size];
  }
  // Python's format(x, ".4g"), as viz.text.format_number writes every number: four
  // significant digits, rounded half to even on an exact tie (1234.5 -> 1234), as Python
  // rounds; toExponential(20) holds every digit a double can tell apart from a tie.
  function number(x) {
    if (x === Infinity) { return "inf"; }
    if (x === -Infinity) { return "-inf"; }
    if (isNaN(x)) { return "NaN"; }
    if (x === 0) { return "0"; }
    var parts = Math.abs(x).toExponential(20).split("e");
    var digits = parts[0].replace(".", ""), exp = parseInt(parts[1], 10);
    var head = parseInt(digits.slice(0, 4), 10), rest = digits.slice(4);
    var up = rest.charAt(0) > "5" || rest.charAt(0) === "5" &&
      (/[1-9]/.test(rest.slice(1)) || head % 2 === 1);
    if (up) { head += 1; }
    if (head === 10000) { head = 1000; exp += 1; }
    var d = String(head), text;
    var trim = function (t) { return t.replace(/0+$/, "").replace(/\.$/, ""); };
    if (exp < -4 || exp >= 4) {
      text = trim(d.charAt(0) + "." + d.slice(1)) + "e" + (exp < 0 ? "-" : "+") +
        (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    } else if (exp >= 0) {
      text = exp === 3 ? d : trim(d.slice(0, exp + 1) + "." + d.slice(exp + 1));
    } else {
      text = trim("0." + "0".repeat(-exp - 1) + d);
    }
    return (x < 0 ? "-" : "") + text;
  }

  // The page's formatting, for checking it against Python's (tests/test_film_browser.py).
  window.autogradViz = { number: number };

  function bytes(b64) {
    var text = atob(b64), out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { out[i] = text.charCodeAt(i); }
    return out;
  }
  function doubles(b64) { return new Float64Array(bytes(b64).buffer); }
  function unpack(id) {
    var stream = new Blob([bytes($(id).textContent)]).stream()
      .pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text();
  }

  // -- a frame ------------------------------------------------------------------------
  var canvas = document.createElement("canvas"), ctx = canvas.getContext("2d");
  function picture(codes, offset, size, flip, toT) {  // size x size bytes -> a PNG data URL
    canvas.width = canvas.height = size;
    var image = ctx.createImageData(size, size);
    for (var r = 0; r < size; r++) {
      for (var c = 0; c < size; c++) {
        var row = flip ? size - 1 - r : r;
        var colour = shade(toT(codes[offset + row * size + c]));
        var k = 4 * (r * size + c);
        image.data[k] = colour[0]; image.data[k + 1] = colour[1];
        image.data[k + 2] = colour[2]; image.data[k + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
    return canvas.toDataURL("image/png");
  }
  function boundaryT(code) {
    return frames.boundaryKind === "probability" ? 2 * code / 255 - 1 : decode(code);
  }

  function show(f) {
    f = Math.max(0, Math.min(F - 1, f));
    state.f = f;
    $("frame").value = f;
    $("counter").textContent = say("epoch", { epoch: meta.epochs[f] });
    if (!frames) { return; }
    var k, el;
    for (k = 0; k < W; k++) {
      var s = weightStroke(frames.weights[f * W + k], meta.scale);
      el = $("w" + k);
      el.setAttribute("stroke", s[0]);
      el.setAttribute("stroke-width", s[1]);
      el.setAttribute("stroke-opacity", s[2]);
    }
    var texts = frames.texts[f];
    $("epoch").textContent = texts[0];
    $("numbers").textContent = texts[1];
    $("numbers2").textContent = texts[2];
    var x = frames.cursorX[f];
    meta.cursors.forEach(function (c, i) {
      $("cursor" + i).setAttribute("d", "M" + x + " " + c[0] + "L" + x + " " + c[1]);
    });
    Object.keys(frames.dots).forEach(function (id) {
      var dot = $(id), y = frames.dots[id][f];
      if (y === null) { dot.setAttribute("display", "none"); return; }
      dot.removeAttribute("display");
      dot.setAttribute("cx", x);
      dot.setAttribute("cy", y);
    });
    if (frames.images) {
      var t = frames.thumb, n = t * t;
      for (k = 0; k < U; k++) {
        $("img" + k).setAttribute("href", picture(frames.images, (f * U + k) * n, t, false,
          decode));
      }
    }
    if (frames.stats) {
      for (k = 0; k < U; k++) {
        $("box" + k).setAttribute("fill", hex(shade(meta.tint * decode(frames.stats[f * U + k]))));
        $("bar" + k).setAttribute("width", frames.bars[f][k]);
        var dead = frames.bars[f][k] >= meta.boxes[k][2];
        if (dead) { $("dead" + k).removeAttribute("display"); }
        else { $("dead" + k).setAttribute("display", "none"); }
      }
    }
    if (frames.boundary) {
      var g = frames.grid;
      $("boundary").setAttribute("href", picture(frames.boundary, f * g * g, g, true,
        boundaryT));
    }
    if (frames.norms) {
      frames.norms[f].forEach(function (top, i) {
        var bar = $("norm" + i);
        bar.setAttribute("y", top);
        bar.setAttribute("height", frames.normBase - top);
      });
    }
    $("open-steps").disabled = meta.steppers.indexOf(meta.epochs[f]) < 0;
    if (state.history !== null) { history(state.history); }
  }

  // -- play, step, jump ---------------------------------------------------------------
  function stop() {
    if (state.timer !== null) { clearInterval(state.timer); state.timer = null; }
    $("play").textContent = say("play", {});
    $("play").title = say("playTitle", {});
  }
  function play() {
    if (state.timer !== null) { stop(); return; }
    if (state.f >= F - 1) { show(0); }
    $("play").textContent = say("pause", {});
    $("play").title = say("pauseTitle", {});
    state.timer = setInterval(function () {
      if (state.f >= F - 1) { stop(); return; }
      show(state.f + 1);
    }, 1000 / parseFloat($("speed").value));
  }
  $("first").onclick = function () { stop(); show(0); };
  $("prev").onclick = function () { stop(); show(state.f - 1); };
  $("next").onclick = function () { stop(); show(state.f + 1); };
  $("last").onclick = function () { stop(); show(F - 1); };
  $("play").onclick = play;
  $("frame").oninput = function () { stop(); show(parseInt(this.value, 10)); };
  $("speed").onchange = function () { if (state.timer !== null) { stop(); play(); } };
  document.addEventListener("keydown", function (e) {
    if (e.target.tagName === "SELECT" || e.target.tagName === "INPUT" && e.key === " ") {
      return;
    }
    var keys = { ArrowLeft: -1, ArrowRight: 1 };
    if (e.key in keys) { stop(); show(state.f + keys[e.key]); }
    else if (e.key === "Home") { stop(); show(0); }
    else if (e.key === "End") { stop(); show(F - 1); }
    else if (e.key === " ") { play(); }
    else if (e.key === "Escape") { closeHistory(); closeSteps(); }
    else { return; }
    e.preventDefault();
  });

  // -- hover: a weight's value and gradient, a unit's name ------------------------------
  var tip = $("tip");
  function tell(e, lines) {
    tip.textContent = "";
    lines.forEach(function (line, i) {
      var p = document.createElement(i === 0 ? "b" : "div");
      p.textContent = line;
      tip.appendChild(p);
    });
    tip.hidden = false;
    var x = Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    var y = Math.min(e.clientY + 14, window.innerHeight - tip.offsetHeight - 8);
    tip.style.left = Math.max(4, x) + "px";
    tip.style.top = Math.max(4, y) + "px";
  }
  function weightLines(k) {
    var w = meta.weights[k], f = state.f;
    var lines = [meta.units[w.s].name + " → " + meta.units[w.t].name, w.name];
    if (!frames) { return lines; }
    var g = frames.grads[f * W + k];
    lines.push(say("weightAt", { w: number(frames.weights[f * W + k]), epoch: meta.epochs[f] }));
    lines.push(g === Infinity ? say("noGrad", {}) : say("grad", { g: number(g) }));
    return lines;
  }
  function unitLines(u) {
    var unit = meta.units[u], lines = [unit.name];
    lines.push(unit.kind === "input" ? say("input", {})
      : say(unit.kind, { activation: unit.activation || say("linear", {}) }));
    if (frames) {
      var b = frames.biases[state.f * U + u];
      if (b !== Infinity) { lines.push(say("bias", {}) + " = " + number(b)); }
    }
    if (unit.kind !== "input") { lines.push(say("clickHistory", {})); }
    return lines;
  }
  document.addEventListener("mousemove", function (e) {
    var el = e.target, id = el && el.id || "";
    if (/^hit\d+$/.test(id)) { tell(e, weightLines(parseInt(id.slice(3), 10))); }
    else if (/^unit\d+$/.test(id)) { tell(e, unitLines(parseInt(id.slice(4), 10))); }
    else { tip.hidden = true; }
  });

  // -- click: a unit's history -----------------------------------------------------------
  function closeHistory() { state.history = null; $("history").hidden = true; }
  $("close-history").onclick = closeHistory;
  var SVG = "http://www.w3.org/2000/svg";
  function node(name, attrs) {
    var el = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (a) { el.setAttribute(a, attrs[a]); });
    return el;
  }
  function history(u) {  // every incoming weight and the bias over the frames
    state.history = u;
    var f = state.f, series = [];
    meta.weights.forEach(function (w, k) {
      if (w.t === u) { series.push({ name: say("wFrom", { unit: meta.units[w.s].name }), k: k }); }
    });
    var biased = frames.biases[u] !== Infinity;
    $("history-title").textContent = say("historyTitle", { unit: meta.units[u].name });
    var values = function (s, i) {
      return s.k === undefined ? frames.biases[i * U + u] : frames.weights[i * W + s.k];
    };
    if (biased) { series.push({ name: say("bias", {}) }); }
    var lo = Infinity, hi = -Infinity;
    series.forEach(function (s) {
      for (var i = 0; i < F; i++) {
        var v = values(s, i); lo = Math.min(lo, v); hi = Math.max(hi, v);
      }
    });
    if (hi === lo) { hi = lo + 1; }
    var w = 340, h = 150, chart = node("svg", { viewBox: "0 0 " + w + " " + h, width: w,
      height: h });
    var X = function (i) { return 6 + (w - 12) * (F > 1 ? i / (F - 1) : 0.5); };
    var Y = function (v) { return 6 + (h - 12) * (1 - (v - lo) / (hi - lo)); };
    chart.appendChild(node("line", { x1: 6, x2: w - 6, y1: Y(0), y2: Y(0), stroke: "#d1d5db" }));
    series.forEach(function (s) {
      var d = "";
      for (var i = 0; i < F; i++) { d += (i ? "L" : "M") + X(i).toFixed(1) + " " + Y(values(s, i)).toFixed(1); }
      var now = values(s, f);
      chart.appendChild(node("path", { d: d, fill: "none", "stroke-width": 1.4,
        stroke: s.k === undefined ? "#111827" : (now >= 0 ? meta.colours.positive
          : meta.colours.negative), "stroke-dasharray": s.k === undefined ? "4 3" : "" }));
    });
    chart.appendChild(node("line", { x1: X(f), x2: X(f), y1: 0, y2: h, stroke: "#111827",
      "stroke-opacity": 0.6 }));
    $("history-chart").textContent = "";
    $("history-chart").appendChild(chart);
    var list = $("history-values");
    list.textContent = "";
    var head = document.createElement("li");
    head.textContent = say("historyHead", { epoch: meta.epochs[f], lo: number(lo),
      hi: number(hi) });
    list.appendChild(head);
    series.forEach(function (s) {
      var li = document.createElement("li");
      li.textContent = s.name + " = " + number(values(s, f));
      list.appendChild(li);
    });
    $("history").hidden = false;
  }
  document.addEventListener("click", function (e) {
    var id = e.target && e.target.id || "";
    if (/^unit\d+$/.test(id) && frames) {
      var u = parseInt(id.slice(4), 10);
      if (meta.units[u].kind !== "input") { history(u); }
    }
  });

  // -- into the math: an epoch's stepper page --------------------------------------------
  function closeSteps() {
    $("stepper").hidden = true;
    $("stepper-frame").removeAttribute("srcdoc");
  }
  $("close-steps").onclick = closeSteps;
  $("open-steps").onclick = function () {
    var epoch = meta.epochs[state.f];
    stop();
    unpack("stepper-" + epoch).then(function (page) {
      $("stepper-title").textContent = say("stepperTitle", { epoch: epoch });
      $("stepper-frame").srcdoc = page;
      $("stepper").hidden = false;
    });
  };

  unpack("film-frames").then(JSON.parse).then(function (data) {
    frames = data;
    frames.weights = doubles(data.weights);
    frames.grads = doubles(data.grads);
    frames.biases = doubles(data.biases);
    if (data.images) { frames.images = bytes(data.images); }
    if (data.stats) { frames.stats = bytes(data.stats); }
    if (data.boundary) { frames.boundary = bytes(data.boundary); }
    document.body.setAttribute("data-ready", "true");
    show(state.f);
  });
}());
