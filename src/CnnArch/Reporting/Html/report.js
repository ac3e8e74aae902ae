// CnnArch's HTML report: draws the network from the JSON report embedded in the page (the same text
// `cnnarch analyze --format json` writes), with no network access. dagre lays the graph out.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report').textContent);
  var reports = Array.isArray(data) ? data : [data];
  var NODE_W = 170, NODE_H = 50;
  var state = { report: null, collapsed: {}, metric: 'macs', zoom: 1, selected: null, sort: { key: 'index', dir: 1 }, filter: '' };
  var SVG = 'http://www.w3.org/2000/svg';

  // ---- numbers -----------------------------------------------------------------------------------
  function exact(n) { return Number(n).toLocaleString('en-US'); }
  function count(n) {
    if (n === 0) { return '0'; }
    var units = ['', ' K', ' M', ' G', ' T', ' P'], v = n, i = 0;
    while (Math.abs(v) >= 1000 && i < units.length - 1) { v /= 1000; i++; }
    return i === 0 ? exact(n) : sig(v) + units[i];
  }
  function bytes(n) {
    var units = [' B', ' KB', ' MB', ' GB', ' TB'], v = n, i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? String(n) : sig(v)) + units[i];
  }
  function sig(v) { return Math.abs(v) >= 100 ? fixed(v, 0) : Math.abs(v) >= 10 ? strip(fixed(v, 1)) : strip(fixed(v, 2)); }
  // As .NET's "0.##" rounds (the tables' Units): the value to 15 significant digits, then half away
  // from zero, so 1.025 M is "1.03 M" on the page as in the table (toFixed would say 1.02).
  function fixed(v, d) {
    var x = String(Number(Math.abs(v).toPrecision(15)));
    if (x.indexOf('e') >= 0) { return v.toFixed(d); }
    var r = Number(Math.round(Number(x + 'e' + d)) + 'e-' + d);
    return (v < 0 ? -r : r).toFixed(d);
  }
  function strip(s) { return s.indexOf('.') < 0 ? s : s.replace(/0+$/, '').replace(/\.$/, ''); }
  function shape(dims) { return dims.join('x'); }
  function millis(ms) { return ms.toFixed(ms >= 10 ? 1 : ms >= 1 ? 2 : 3); }
  function same(p) { return p.every(function (v) { return v === p[0]; }); }
  // One value per spatial axis (kernel, stride, dilation): "3" when all agree, else "1x7" or "3x7x7".
  function pair(p) { return p ? (same(p) ? String(p[0]) : p.join('x')) : ''; }
  // Padding as the JSON writes it (the begins of every axis, then the ends), shown as the tables do: before,after per axis.
  function pad(p) {
    if (!p) { return ''; }
    if (same(p)) { return String(p[0]); }
    var k = p.length / 2, out = [];
    for (var i = 0; i < k; i++) { out.push(p[i], p[k + i]); }
    return out.join(',');
  }
  // "195, stride 32, padding 90", per axis where the axes differ, "unknown" after an operation CnnArch has no model of.
  function field(rf) {
    if (rf.known === false) { return 'unknown'; }
    var axes = rf.axes || [rf];
    function join(key) { return axes.map(function (a) { return a[key]; }).join('x'); }
    return join('size') + ', stride ' + join('stride') + ', padding ' + join('padding');
  }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); }
  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) { e.setAttribute(k, attrs[k]); } }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  // ---- the model: layers, blocks, and what is visible at the current collapse state ----------------
  function prepare(r) {
    var n = r.layers.length;
    // With --device the report carries a latency prediction: each layer gets its time, to colour by.
    if (r.latency) {
      var ms = {};
      r.latency.layers.forEach(function (l) { ms[l.path] = l.latencyMs; });
      r.layers.forEach(function (l) { l.latencyMs = ms[l.path] || 0; });
    }
    r.scopes = r.scopes || [];
    r.scopes.forEach(function (s, k) { s.id = k; s.children = []; s.parent = null; });
    // Each block's parent is the smallest block that holds it; scopes come outermost first.
    var sorted = r.scopes.slice().sort(function (a, b) { return a.first - b.first || b.last - a.last || a.depth - b.depth; });
    var stack = [];
    sorted.forEach(function (s) {
      while (stack.length && stack[stack.length - 1].last < s.first) { stack.pop(); }
      if (stack.length && stack[stack.length - 1].last >= s.last) { s.parent = stack[stack.length - 1]; s.parent.children.push(s); }
      stack.push(s);
    });
    // The innermost block of each layer.
    r.owner = new Array(n).fill(null);
    sorted.forEach(function (s) { for (var i = s.first; i <= s.last; i++) { if (!r.owner[i] || r.owner[i].depth < s.depth) { r.owner[i] = s; } } });
    r.maxDepth = r.scopes.reduce(function (m, s) { return Math.max(m, s.depth); }, 0);
    r.scopes.forEach(function (s) { s.sums = blockSums(r, s); });
  }

  // A block's sums, as the text report's collapsed rows: its layers that feed the output, or all when all are auxiliary.
  function blockSums(r, s) {
    var members = r.layers.slice(s.first, s.last + 1);
    var aux = members.every(function (m) { return m.auxiliary; });
    var keys = ['params', 'buffers', 'macs', 'flops', 'activationBytes', 'backwardMacs', 'backwardFlops', 'latencyMs'];
    var sums = {};
    keys.forEach(function (k) { sums[k] = 0; });
    members.forEach(function (m) { if (aux || !m.auxiliary) { keys.forEach(function (k) { sums[k] += m[k] || 0; }); } });
    sums.auxiliary = aux;
    return sums;
  }

  // The outermost collapsed block that holds each layer, or null.
  function collapsedOwner(r, i) {
    var s = r.owner[i], top = null;
    while (s) { if (state.collapsed[s.id]) { top = s; } s = s.parent; }
    return top;
  }

  function visible(r) {
    var items = [], byKey = {}, rep = new Array(r.layers.length);
    r.layers.forEach(function (l, i) {
      var block = collapsedOwner(r, i);
      var key = block ? 's' + block.id : 'n' + i;
      rep[i] = key;
      if (!byKey[key]) { byKey[key] = { key: key, layer: block ? null : l, block: block }; items.push(byKey[key]); }
    });
    var edges = [], seen = {}, joins = [];
    var usesInput = false;
    r.layers.forEach(function (l, i) {
      var from = [];
      l.inputs.forEach(function (src) {
        var key = src < 0 ? 'input' : rep[src], to = rep[i];
        if (src < 0) { usesInput = true; }
        if (key !== to && from.indexOf(key) < 0) { from.push(key); }
        if (key !== to && !seen[key + '>' + to]) { seen[key + '>' + to] = true; edges.push([key, to]); }
      });
      if (from.length > 1) { joins.push(from); }
    });
    return { items: items, edges: edges, rep: rep, usesInput: usesInput, joins: joins };
  }

  function valueOf(item, metric) { return item.layer ? (item.layer[metric] || 0) : item.block.sums[metric]; }

  // ---- the graph --------------------------------------------------------------------------------------
  function drawGraph() {
    var r = state.report, v = visible(r);
    var g = new dagre.graphlib.Graph();
    var ranksep = Math.max(30, 10 * r.maxDepth + 8);
    g.setGraph({ rankdir: 'TB', nodesep: Math.max(18, 10 * r.maxDepth + 8), ranksep: ranksep, marginx: 30, marginy: 30 });
    g.setDefaultEdgeLabel(function () { return {}; });
    if (v.usesInput) { g.setNode('input', { width: NODE_W, height: 26 }); }
    v.items.forEach(function (it) { g.setNode(it.key, { width: NODE_W, height: NODE_H }); });
    v.edges.forEach(function (e) { g.setEdge(e[0], e[1]); });
    dagre.layout(g);
    orderBranches(g, v);

    var host = document.getElementById('graph');
    host.textContent = '';
    var size = g.graph();
    var svg = el('svg', { id: 'graph-svg', width: size.width * state.zoom, height: size.height * state.zoom, viewBox: '0 0 ' + size.width + ' ' + size.height }, host);
    var clusters = el('g', { 'class': 'clusters' }, svg);
    var edgeLayer = el('g', { 'class': 'edges' }, svg);
    var nodeLayer = el('g', { 'class': 'nodes' }, svg);
    // Block labels above everything, so that no inner box covers an outer block's label.
    var labelLayer = el('g', { 'class': 'cluster-labels' }, svg);

    // Expanded blocks as boxes around their visible layers, outer boxes wider than inner ones.
    var boxes = [];
    r.scopes.forEach(function (s) {
      if (state.collapsed[s.id] || hiddenBlock(s)) { return; }
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (var i = s.first; i <= s.last; i++) {
        var p = g.node(v.rep[i]);
        x0 = Math.min(x0, p.x - p.width / 2); x1 = Math.max(x1, p.x + p.width / 2);
        y0 = Math.min(y0, p.y - p.height / 2); y1 = Math.max(y1, p.y + p.height / 2);
      }
      var m = 5 * (r.maxDepth - s.depth + 1);
      boxes.push({ s: s, x: x0 - m, y: y0 - m - 10, w: x1 - x0 + 2 * m, h: y1 - y0 + 2 * m + 10 });
    });
    // A block that starts where its parent starts puts its label after the parent's, so no two overlap.
    var labelEnd = {};
    boxes.sort(function (a, b) { return a.s.depth - b.s.depth; }).forEach(function (b) {
      var c = el('g', { 'class': 'cluster', 'data-path': b.s.path, 'data-scope': b.s.id }, clusters);
      el('rect', { x: b.x, y: b.y, width: b.w, height: b.h }, c);
      var x = b.x + 4;
      for (var a = b.s.parent; a && a.first === b.s.first; a = a.parent) {
        if (labelEnd[a.id] !== undefined) { x = Math.max(x, labelEnd[a.id] + 10); break; }
      }
      var t = el('text', { x: x, y: b.y + 10, 'class': 'cluster-label', 'data-path': b.s.path, 'data-scope': b.s.id }, labelLayer);
      // Named as the tree names it: relative to the enclosing block.
      var parent = b.s.parent, name = b.s.path || '(network)';
      if (parent && parent.path && name.indexOf(parent.path + '.') === 0) { name = name.slice(parent.path.length + 1); }
      t.textContent = '\u25BE ' + name + ' ' + b.s.kind;
      labelEnd[b.s.id] = x + (t.getComputedTextLength ? t.getComputedTextLength() : t.textContent.length * 6);
      var title = el('title', {}, t);
      title.textContent = 'Collapse ' + (b.s.path || 'the network') + ' into one box';
      t.addEventListener('click', function (ev) { ev.stopPropagation(); state.collapsed[b.s.id] = true; drawGraph(); });
    });

    g.edges().forEach(function (e) {
      var pts = g.edge(e).points;
      var d = 'M' + pts.map(function (p) { return p.x.toFixed(1) + ',' + p.y.toFixed(1); }).join('L');
      el('path', { 'class': 'edge', d: d, 'marker-end': 'url(#arrow)' }, edgeLayer);
    });
    var defs = el('defs', {}, svg);
    var marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto' }, defs);
    el('path', { d: 'M0,0L10,5L0,10z', fill: '#888' }, marker);

    var max = v.items.reduce(function (m, it) { return Math.max(m, valueOf(it, state.metric)); }, 0);
    drawLegend(max);
    if (v.usesInput) {
      var ip = g.node('input');
      var gi = el('g', { 'class': 'input', transform: 'translate(' + (ip.x - NODE_W / 2) + ',' + (ip.y - 13) + ')' }, nodeLayer);
      el('rect', { width: NODE_W, height: 26, fill: '#eee', stroke: '#999', rx: 13 }, gi);
      var ti = el('text', { x: NODE_W / 2, y: 17, 'text-anchor': 'middle' }, gi);
      ti.textContent = 'input ' + shape(r.input);
    }
    v.items.forEach(function (it) {
      var p = g.node(it.key);
      var cls = 'node' + (it.block ? ' block' : '') + (it.layer && isJoin(it.layer.kind) ? ' join' : '') + ((it.layer ? it.layer.auxiliary : it.block.sums.auxiliary) ? ' aux' : '');
      var attrs = { 'class': cls, transform: 'translate(' + (p.x - NODE_W / 2) + ',' + (p.y - NODE_H / 2) + ')' };
      if (it.layer) { attrs['data-index'] = it.layer.index; } else { attrs['data-scope'] = it.block.id; attrs['data-path'] = it.block.path; attrs['data-layers'] = it.block.last - it.block.first + 1; }
      var gn = el('g', attrs, nodeLayer);
      var fill = colour(valueOf(it, state.metric), max);
      if (dark(fill)) { gn.setAttribute('class', cls + ' dark'); }
      el('rect', { width: NODE_W, height: NODE_H, fill: fill }, gn);
      // Three lines, none cut where it matters: the kind, the path (its start elided when too long, so
      // the layer's own name stays), and the output shape (or the block's size) in full.
      var kind = el('text', { 'class': 'kind', x: 6, y: 14 }, gn);
      kind.textContent = it.layer ? it.layer.kind : '\u25B8 ' + it.block.kind;
      var path = el('text', { 'class': 'sub path', x: 6, y: 28 }, gn);
      path.textContent = tail(it.layer ? it.layer.path : (it.block.path || '(network)'), 28);
      var out = el('text', { 'class': 'sub shape', x: 6, y: 42 }, gn);
      out.textContent = it.layer ? shape(it.layer.output) : (it.block.last - it.block.first + 1) + ' layers';
      gn.addEventListener('mouseenter', function (ev) { showTooltip(it, ev); });
      gn.addEventListener('mousemove', moveTooltip);
      gn.addEventListener('mouseleave', hideTooltip);
      gn.addEventListener('click', function () {
        if (it.block) { delete state.collapsed[it.block.id]; drawGraph(); return; }
        select(it.layer.index);
      });
    });
    if (state.selected !== null) { mark(state.selected); }
    var drawn = v.items.filter(function (it) { return it.layer; }).length, blocks = v.items.length - drawn;
    document.getElementById('graph-status').textContent = drawn + ' of ' + r.layers.length + ' layers drawn' +
      (blocks > 0 ? ', ' + (r.layers.length - drawn) + ' in ' + blocks + ' collapsed block' + (blocks > 1 ? 's' : '') + ' (click one to open it)' : '');
  }

  function hiddenBlock(s) { for (var p = s.parent; p; p = p.parent) { if (state.collapsed[p.id]) { return true; } } return false; }
  function isJoin(kind) { return kind === 'Add' || kind === 'Concat' || kind === 'Scale'; }
  // Keeps the end of a long path ('\u2026' + the last characters), where the layer's own name is.
  function tail(text, n) { return text.length > n ? '\u2026' + text.slice(text.length - n + 1) : text; }
  // Dark fills get white text, light ones black (WCAG relative luminance below 0.179, where white's
  // contrast overtakes black's): either way at least 4.58:1, above AA's 4.5:1.
  function dark(rgb) {
    var c = rgb.match(/\d+/g).map(function (v) { v = v / 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2] < 0.179;
  }
  // dagre may lay parallel branches right to left; the page draws them in the order the network
  // lists them (a join's inputs left to right, as torchvision's Inception concatenates): when most
  // joins read their inputs right to left, the whole drawing is mirrored.
  function orderBranches(g, v) {
    var votes = 0;
    v.joins.forEach(function (j) {
      var xs = j.map(function (key) { return g.node(key) ? g.node(key).x : null; }).filter(function (x) { return x !== null; });
      for (var i = 1; i < xs.length; i++) { votes += xs[i] > xs[i - 1] ? 1 : xs[i] < xs[i - 1] ? -1 : 0; }
    });
    if (votes >= 0) { return; }
    var width = g.graph().width;
    g.nodes().forEach(function (n) { var p = g.node(n); p.x = width - p.x; });
    g.edges().forEach(function (e) { g.edge(e).points.forEach(function (p) { p.x = width - p.x; }); });
  }
  // The colour scale under the controls: white to red, square-root, from 0 to the largest visible item.
  function drawLegend(max) {
    var host = document.getElementById('colour-legend');
    var names = { macs: 'MACs', params: 'params', activationBytes: 'memory', flops: 'FLOPs', backwardMacs: 'backward MACs', latencyMs: 'latency' };
    var top = state.metric === 'activationBytes' ? bytes(max) : state.metric === 'latencyMs' ? millis(max) + ' ms' : count(max);
    host.innerHTML = '<span class="scale-label">0</span><span class="scale" style="background:linear-gradient(to right,' +
      colour(0, 1) + ',' + colour(0.25, 1) + ',' + colour(1, 1) + ')"></span><span class="scale-label" data-key="max">' + esc(top) + '</span>' +
      '<span class="hint"> ' + esc(names[state.metric] || state.metric) + ' per box, colour by square root</span>';
  }
  function colour(value, max) {
    var t = max > 0 ? Math.sqrt(value / max) : 0;
    var from = [255, 255, 255], to = [225, 87, 89];
    return 'rgb(' + from.map(function (f, i) { return Math.round(f + (to[i] - f) * t); }).join(',') + ')';
  }

  // ---- details ---------------------------------------------------------------------------------------
  function rowsFor(it) {
    var r = state.report, l = it.layer, s = it.block;
    var rows = [];
    if (l) {
      rows.push(['path', l.path], ['kind', l.kind + (l.module ? '' : ' (functional)') + (l.auxiliary ? ', auxiliary' : '') + (l.frozen ? ', frozen' : '')]);
      rows.push(['input', l.inputShapes.map(shape).join(' + ')], ['output', shape(l.output)]);
      if (l.kernel) { rows.push(['kernel', pair(l.kernel)], ['stride', pair(l.stride)], ['padding', pad(l.padding)], ['dilation', pair(l.dilation)], ['groups', String(l.groups)]); }
      if (l.attention) {
        var a = l.attention;
        rows.push(['heads', a.heads + ' x ' + a.queries + ' x ' + a.keys + ' weights, ' + a.headDepth + ' per head']);
      }
      rows.push(['params', exact(l.params)], ['buffers', exact(l.buffers)]);
      rows.push(['MACs', l.counted ? exact(l.macs) + ' (' + count(l.macs) + ')' : 'uncounted'], ['FLOPs', l.counted ? exact(l.flops) + ' (' + count(l.flops) + ')' : 'uncounted']);
      rows.push(['backward MACs', exact(l.backwardMacs)], ['memory', bytes(l.activationBytes) + ' (' + exact(l.activationBytes) + ' B)']);
      if (r.latency) { rows.push(['latency', millis(l.latencyMs) + ' ms on ' + r.latency.device]); }
      var rf = l.receptiveField;
      rows.push(['receptive field', field(rf)]);
    } else {
      rows.push(['block', s.path || '(network)'], ['kind', s.kind], ['layers', String(s.last - s.first + 1)]);
      rows.push(['input', r.layers[s.first].inputShapes.map(shape).join(' + ')], ['output', shape(r.layers[s.last].output)]);
      rows.push(['params', exact(s.sums.params)], ['MACs', exact(s.sums.macs) + ' (' + count(s.sums.macs) + ')'], ['FLOPs', exact(s.sums.flops)], ['memory', bytes(s.sums.activationBytes)]);
      if (r.latency) { rows.push(['latency', millis(s.sums.latencyMs) + ' ms on ' + r.latency.device]); }
    }
    rows.push(['convention', r.convention]);
    return '<table>' + rows.map(function (row) { return '<tr><td>' + esc(row[0]) + '</td><td data-key="' + esc(row[0]) + '">' + esc(row[1]) + '</td></tr>'; }).join('') + '</table>';
  }
  var tip = document.getElementById('tooltip');
  function showTooltip(it, ev) { tip.innerHTML = rowsFor(it); tip.hidden = false; moveTooltip(ev); }
  function moveTooltip(ev) {
    var x = ev.clientX + 14, y = ev.clientY + 14;
    if (x + 390 > window.innerWidth) { x = ev.clientX - 390; }
    if (y + tip.offsetHeight > window.innerHeight) { y = Math.max(0, window.innerHeight - tip.offsetHeight - 4); }
    tip.style.left = x + 'px'; tip.style.top = y + 'px';
  }
  function hideTooltip() { tip.hidden = true; }
  function select(index) {
    state.selected = index;
    document.getElementById('details').innerHTML = rowsFor({ layer: state.report.layers[index] });
    mark(index);
  }
  function mark(index) {
    Array.prototype.forEach.call(document.querySelectorAll('.selected'), function (e) { e.classList.remove('selected'); });
    var node = document.querySelector('g.node[data-index="' + index + '"]');
    if (node) { node.classList.add('selected'); }
    var row = document.querySelector('#layers tr[data-index="' + index + '"]');
    if (row) { row.classList.add('selected'); }
  }

  // ---- totals, shares, table ---------------------------------------------------------------------------
  function drawTotals() {
    var r = state.report, t = r.totals;
    var items = [['params', 'params', exact(t.params)], ['trainableParams', 'trainable params', exact(t.trainableParams)], ['buffers', 'buffers', exact(t.buffers)],
      ['macs', 'MACs', exact(t.macs)], ['flops', 'FLOPs', exact(t.flops)], ['activationBytes', 'activations', exact(t.activationBytes) + ' B'],
      ['backwardMacs', 'backward MACs', exact(t.backwardMacs)], ['stepMacs', 'training step MACs', exact(r.training ? r.training.stepMacs : 0)]];
    if (r.latency) { items.push(['latencyMs', 'latency on ' + r.latency.device + ' (' + r.latency.dtype + ')', millis(r.latency.totals.latencyMs) + ' ms']); }
    document.getElementById('totals').innerHTML = items.map(function (i) { return '<dt>' + esc(i[1]) + '</dt><dd data-key="' + i[0] + '">' + esc(i[2]) + '</dd>'; }).join('');
    document.getElementById('convention').textContent = 'Convention ' + r.convention + ': ' + r.conventionStatement;
    document.getElementById('diagnostics').innerHTML = (r.diagnostics || []).map(function (d) { return '<li>' + esc(d.path + ': ' + d.message) + '</li>'; }).join('');
  }

  // Each costly layer's share of memory, params and MACs, as the text report's chart: blocks at the depth that fits 40 bars.
  function drawShares() {
    var r = state.report, rows = null;
    for (var d = r.maxDepth + 1; d >= 1 && !rows; d--) {
      var cand = collapsedRows(r, d > r.maxDepth ? 0 : d).filter(function (x) { return !x.auxiliary && (x.params > 0 || x.macs > 0); });
      if (cand.length <= 40 || d === 1) { rows = cand; }
    }
    var t = r.totals, series = [['activationBytes', '#4E79A7', 'memory'], ['params', '#F28E2B', 'params'], ['macs', '#59A14F', 'MACs']];
    var rowH = 16, labelW = 110, width = 320, barW = width - labelW - 10;
    // Bars are scaled so that the largest share of any series spans the width; titles give the percentages.
    var largest = rows.reduce(function (m, row) { return Math.max(m, row.activationBytes / (t.activationBytes || 1), row.params / (t.params || 1), row.macs / (t.macs || 1)); }, 0) || 1;
    var host = document.getElementById('shares');
    host.innerHTML = '<div class="legend">' + series.map(function (s) { return '<span><i style="background:' + s[1] + '"></i>' + s[2] + '</span>'; }).join('') + '</div>';
    var svg = el('svg', { width: width, height: rows.length * rowH + 4 }, host);
    rows.forEach(function (row, i) {
      var y = i * rowH + 2;
      var label = el('text', { x: labelW - 4, y: y + 11, 'text-anchor': 'end' }, svg);
      label.textContent = row.path.length > 18 ? '\u2026' + row.path.slice(-17) : row.path;
      series.forEach(function (s, k) {
        var total = t[s[0]] || 1, w = Math.max(0, barW * (row[s[0]] / total) / largest);
        var bar = el('rect', { x: labelW, y: y + k * 4 + 1, width: w.toFixed(2), height: 4, fill: s[1] }, svg);
        var title = el('title', {}, bar);
        title.textContent = row.path + ': ' + (100 * row[s[0]] / total).toFixed(2) + '% of ' + s[2];
      });
    });
  }

  function collapsedRows(r, depth) {
    if (!depth) { return r.layers; }
    var out = [], i = 0;
    var starts = {};
    r.scopes.forEach(function (s) { if (s.depth === depth && (!starts[s.first] || s.last > starts[s.first].last)) { starts[s.first] = s; } });
    while (i < r.layers.length) {
      var s = starts[i];
      if (!s) { out.push(r.layers[i]); i++; continue; }
      var sums = s.sums;
      out.push({ path: s.path, kind: s.kind, params: sums.params, macs: sums.macs, activationBytes: sums.activationBytes, auxiliary: sums.auxiliary });
      i = s.last + 1;
    }
    return out;
  }

  var columns = [
    ['index', '#', function (l) { return l.index; }, false],
    ['path', 'Layer', function (l) { return l.path; }, true],
    ['kind', 'Kind', function (l) { return l.kind; }, true],
    ['input', 'Input', function (l) { return l.inputShapes.map(shape).join(' + '); }, true],
    ['output', 'Output', function (l) { return shape(l.output); }, true],
    ['kernel', 'Kernel', function (l) { return pair(l.kernel); }, true],
    ['stride', 'Stride', function (l) { return pair(l.stride); }, true],
    ['padding', 'Pad', function (l) { return pad(l.padding); }, true],
    ['groups', 'Groups', function (l) { return l.groups === undefined ? '' : l.groups; }, false],
    ['activationBytes', 'Memory', function (l) { return l.activationBytes; }, false, bytes],
    ['params', 'Params', function (l) { return l.params; }, false, exact],
    ['macs', 'MACs', function (l) { return l.macs; }, false, count],
    ['flops', 'FLOPs', function (l) { return l.flops; }, false, count],
    ['backwardMacs', 'Backward MACs', function (l) { return l.backwardMacs; }, false, count],
    ['rf', 'RF', function (l) { return l.receptiveField.known === false ? '?' : l.receptiveField.size; }, false]
  ];
  function drawTable() {
    var r = state.report;
    var head = document.querySelector('#layers thead'), body = document.querySelector('#layers tbody');
    head.innerHTML = '<tr>' + columns.map(function (c) {
      var cls = (c[3] ? 'text' : '') + (state.sort.key === c[0] ? (state.sort.dir > 0 ? ' sorted-asc' : ' sorted-desc') : '');
      return '<th data-key="' + c[0] + '" class="' + cls + '">' + esc(c[1]) + '</th>';
    }).join('') + '</tr>';
    Array.prototype.forEach.call(head.querySelectorAll('th'), function (th) {
      th.addEventListener('click', function () {
        var key = th.getAttribute('data-key');
        state.sort = { key: key, dir: state.sort.key === key ? -state.sort.dir : (key === 'index' || key === 'path' || key === 'kind' ? 1 : -1) };
        drawTable();
      });
    });
    var col = columns.filter(function (c) { return c[0] === state.sort.key; })[0];
    var f = state.filter.toLowerCase();
    var rows = r.layers.filter(function (l) { return !f || l.path.toLowerCase().indexOf(f) >= 0 || l.kind.toLowerCase().indexOf(f) >= 0; });
    rows.sort(function (a, b) {
      var x = col[2](a), y = col[2](b);
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * state.sort.dir || a.index - b.index;
    });
    body.innerHTML = rows.map(function (l) {
      return '<tr data-index="' + l.index + '">' + columns.map(function (c) {
        var v = c[2](l);
        return '<td class="' + (c[3] ? 'text' : '') + '">' + esc(c[4] ? c[4](v) : v) + '</td>';
      }).join('') + '</tr>';
    }).join('');
    Array.prototype.forEach.call(body.querySelectorAll('tr'), function (tr) {
      tr.addEventListener('click', function () {
        var index = Number(tr.getAttribute('data-index'));
        select(index);
        var node = document.querySelector('g.node[data-index="' + index + '"]');
        if (node && node.scrollIntoView) { node.scrollIntoView({ block: 'center', inline: 'center' }); }
      });
    });
    if (state.selected !== null) { mark(state.selected); }
  }

  // ---- controls ----------------------------------------------------------------------------------------
  function collapseTo(depth) {
    state.collapsed = {};
    if (depth > 0) { state.report.scopes.forEach(function (s) { if (s.depth === depth) { state.collapsed[s.id] = true; } }); }
    drawGraph();
  }
  function show(index) {
    var r = reports[index];
    if (!r.owner) { prepare(r); }
    state.report = r; state.collapsed = {}; state.selected = null;
    document.title = r.model + ' - CnnArch';
    document.getElementById('title').textContent = r.model;
    document.getElementById('subtitle').textContent = 'input ' + shape(r.input) + ', batch ' + r.batch + ', ' + r.dtype + ', ' + r.layers.length + ' layers, output ' + shape(r.output) + ' (convention ' + r.convention + ')';
    // Colour by latency only where this report has a prediction.
    var metric = document.getElementById('metric'), timed = metric.querySelector('option[value="latencyMs"]');
    if (timed) { metric.removeChild(timed); }
    if (r.latency) {
      var option = document.createElement('option');
      option.value = 'latencyMs';
      option.textContent = 'latency (' + r.latency.device + ', ' + r.latency.dtype + ', batch ' + r.latency.batch + ')';
      metric.appendChild(option);
    } else if (state.metric === 'latencyMs') {
      state.metric = 'macs';
    }
    metric.value = state.metric;
    var depth = document.getElementById('depth');
    depth.innerHTML = '<option value="0">all</option>';
    for (var d = 1; d <= r.maxDepth; d++) { depth.innerHTML += '<option value="' + d + '">' + d + '</option>'; }
    Array.prototype.forEach.call(document.querySelectorAll('#models button'), function (b, i) { b.classList.toggle('active', i === index); });
    document.getElementById('details').innerHTML = '<p class="hint">Hover over a layer for its numbers; click to keep them here.</p>';
    var start = initialDepth(r);
    depth.value = String(start);
    drawTotals(); drawShares(); drawTable(); collapseTo(start);
  }
  // The layout's cost grows with the edges: DenseNet's concatenations read every earlier layer of
  // their block (2,500 edges in DenseNet-201, minutes of layout). A graph over the limits opens with
  // the deepest blocks collapsed that bring it under them; the depth menu expands it on request.
  var MAX_EDGES = 700, MAX_ITEMS = 1200;
  function initialDepth(r) {
    function fits() { var v = visible(r); return v.edges.length <= MAX_EDGES && v.items.length <= MAX_ITEMS; }
    state.collapsed = {};
    if (fits()) { return 0; }
    for (var d = r.maxDepth; d >= 1; d--) {
      state.collapsed = {};
      r.scopes.forEach(function (s) { if (s.depth === d) { state.collapsed[s.id] = true; } });
      if (fits()) { return d; }
    }
    return 1;
  }
  function drawModels() {
    if (reports.length < 2) { return; }
    var host = document.getElementById('models');
    host.hidden = false;
    var first = reports[0];
    var timed = reports.every(function (r) { return r.latency; }), ranked = reports.some(function (r) { return r.top1 !== undefined; });
    function ratio(a, b) { return a !== undefined && b ? (a / b).toFixed(2) + '\u00D7' : '-'; }
    function ms(r) { return r.latency ? r.latency.totals.latencyMs : undefined; }
    var absolute = ['model', 'input', 'params', 'MACs', 'activations'].concat(ranked ? ['top-1 %'] : [], timed ? ['latency (' + first.latency.device + ', ' + first.latency.dtype + ', batch ' + first.latency.batch + ')'] : []);
    var relative = ['params', 'MACs', 'activations'].concat(timed ? ['latency'] : []);
    // Ratios to the first model in a group of their own, each marked with the times sign.
    var html = '<table class="compare"><tr><th colspan="' + absolute.length + '"></th><th class="ratio" colspan="' + relative.length + '">relative to ' + esc(first.model) + ' (\u00D7)</th></tr><tr>' +
      absolute.map(function (h) { return '<th>' + esc(h) + '</th>'; }).join('') + relative.map(function (h) { return '<th class="ratio">' + esc(h) + ' \u00D7</th>'; }).join('') + '</tr>';
    reports.forEach(function (r) {
      var cells = [esc(r.model), shape(r.input), exact(r.totals.params), count(r.totals.macs), bytes(r.totals.activationBytes)];
      if (ranked) { cells.push(r.top1 !== undefined ? r.top1.toFixed(2) : '-'); }
      if (timed) { cells.push(millis(ms(r)) + ' ms'); }
      var ratios = [ratio(r.totals.params, first.totals.params), ratio(r.totals.macs, first.totals.macs), ratio(r.totals.activationBytes, first.totals.activationBytes)];
      if (timed) { ratios.push(ratio(ms(r), ms(first))); }
      html += '<tr data-model="' + esc(r.model) + '">' + cells.map(function (c) { return '<td>' + c + '</td>'; }).join('') + ratios.map(function (c) { return '<td class="ratio">' + c + '</td>'; }).join('') + '</tr>';
    });
    host.innerHTML = html + '</table>';
    reports.forEach(function (r, i) {
      var b = document.createElement('button');
      b.type = 'button'; b.textContent = r.model; b.setAttribute('data-model', i);
      b.addEventListener('click', function () { show(i); });
      host.appendChild(b);
    });
  }

  document.getElementById('metric').addEventListener('change', function (e) { state.metric = e.target.value; drawGraph(); });
  document.getElementById('depth').addEventListener('change', function (e) { collapseTo(Number(e.target.value)); });
  document.getElementById('zoom-in').addEventListener('click', function () { state.zoom *= 1.25; drawGraph(); });
  document.getElementById('zoom-out').addEventListener('click', function () { state.zoom /= 1.25; drawGraph(); });
  document.getElementById('filter').addEventListener('input', function (e) { state.filter = e.target.value; drawTable(); });
  drawModels();
  show(0);
  document.body.setAttribute('data-ready', 'true');
})();
