// The coordinator's dashboard: polls /v1/health and /v1/dashboard/summary every 2 s and renders
// them; reads an account's request history from the contract through /v1/near-rpc; runs a browser
// worker in the tab. Every value reaches the DOM through textContent or an attribute, never as HTML.
'use strict';
(function () {
  var REFRESH_MS = 2000;
  var HISTORY_PAGE = 10;
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var contractId = null;

  function $(id) { return document.getElementById(id); }

  /** An element with attributes and children (strings become text nodes). */
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, String(attrs[k]));
    (children || []).forEach(function (c) { e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c); });
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVG_NS, tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    return e;
  }
  function pill(text, cls) { return el('span', { class: 'pill ' + (cls || text) }, [text]); }
  function cell(content, attrs) { return el('td', attrs, [content === null || content === undefined ? '–' : content]); }
  function replaceRows(tbody, rows, columns, emptyText) {
    tbody.replaceChildren();
    if (rows.length === 0) tbody.appendChild(el('tr', null, [el('td', { class: 'empty', colspan: columns }, [emptyText])]));
    rows.forEach(function (r) { tbody.appendChild(r); });
  }

  function ago(ms) {
    if (ms === null || ms === undefined) return '–';
    var s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.floor(s / 60) + ' min ago';
    return Math.floor(s / 3600) + ' h ago';
  }
  function duration(ms) {
    if (ms === null || ms === undefined) return '–';
    return ms < 1000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
  }
  function number(n) { return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'); }
  function shortId(id, max) { max = max || 28; return id.length > max ? id.slice(0, max / 2 - 1) + '…' + id.slice(-(max / 2 - 1)) : id; }
  /** yoctoNEAR (decimal string) → "0.0010 NEAR", without floating point on the big number. */
  function near(yocto) {
    if (yocto === null || yocto === undefined) return '–';
    var s = String(yocto).replace(/^0+(?=\d)/, '');
    if (!/^\d+$/.test(s)) return '–';
    var whole = s.length > 24 ? s.slice(0, s.length - 24) : '0';
    var frac = s.padStart(24, '0').slice(-24).slice(0, 4);
    return whole + '.' + frac + ' NEAR';
  }

  async function getJSON(url, init) {
    var res = await fetch(url, Object.assign({ headers: { accept: 'application/json' } }, init || {}));
    var body = null;
    try { body = await res.json(); } catch (e) { /* not JSON */ }
    if (!res.ok) {
      var msg = body && body.error && body.error.message ? body.error.message : 'HTTP ' + res.status;
      var err = new Error(msg);
      err.status = res.status;
      throw err;
    }
    return body;
  }

  function banner(text) {
    var b = $('banner');
    b.hidden = !text;
    b.textContent = text || '';
  }

  // ---- the summary ----

  function renderCounts(stats, workers) {
    var q = stats.queue || {};
    ['queued', 'leased', 'done', 'failed', 'unacked'].forEach(function (k) { $('count-' + k).textContent = number(q[k]); });
    $('count-workers').textContent = number(workers.filter(function (w) { return !w.revoked; }).length);
  }

  function renderJobs(jobs) {
    var rows = jobs.map(function (j) {
      var o = j.outcome;
      var result = o === null ? '–' : o.success ? 'ok' : (o.error_kind || 'error');
      return el('tr', { 'data-job-id': j.id, 'data-stage': j.stage }, [
        cell(shortId(j.id), { class: 'mono', title: j.id }),
        el('td', null, [pill(j.stage)]),
        el('td', null, [o === null ? '–' : pill(result, o.success ? 'ok' : 'failed')]),
        cell(j.source),
        cell(j.request_id),
        cell(j.kind),
        cell(j.attempts),
        cell(j.worker, { class: 'mono trunc', title: j.worker || '' }),
        cell(ago(j.enqueued_at), { title: new Date(j.enqueued_at).toISOString() }),
        cell(duration(j.latency_ms)),
        cell(o ? number(o.fuel) : null),
      ]);
    });
    replaceRows($('jobs').tBodies[0], rows, 11, 'No jobs yet.');
  }

  function renderWorkers(workers) {
    var rows = workers.map(function (w) {
      return el('tr', { 'data-worker-id': w.id, 'data-kind': w.kind }, [
        cell(w.id, { class: 'mono' }),
        el('td', null, [pill(w.revoked ? 'revoked' : w.kind, w.revoked ? 'failed' : w.kind)]),
        cell(ago(w.last_seen_at)),
        cell(w.label === w.id ? null : w.label, { class: 'trunc', title: w.label }),
        cell(shortId(w.public_key, 20), { class: 'mono', title: w.public_key }),
      ]);
    });
    replaceRows($('workers').tBodies[0], rows, 5, 'No worker has registered.');
  }

  function renderThrottle(t) {
    var rows = (t.routes || []).map(function (r) {
      return el('tr', null, [cell(r.route, { class: 'mono' }), cell(r.tier), cell(number(r.allowed)), cell(number(r.denied)), cell(number(r.concurrency_denied))]);
    });
    replaceRows($('throttle').tBodies[0], rows, 5, 'No throttled requests yet.');
    var a = t.tiers && t.tiers.anonymous;
    var k = t.tiers && t.tiers.keyed;
    $('tiers').textContent = a && k ? 'anonymous ' + a.rps + '/s burst ' + a.burst + ' · keyed ' + k.rps + '/s burst ' + k.burst : '';
  }

  function polyline(points, cls) {
    return svg('polyline', { class: cls, points: points.join(' ') });
  }

  function renderChart(s) {
    var chart = $('chart');
    var W = 600, H = 180, top = 6;
    var n = s.buckets.length || 1;
    var bw = W / n;
    var secs = s.bucket_ms / 1000;
    var maxRate = Math.max.apply(null, s.buckets.map(function (b) { return b.finished / secs; }).concat([0.1]));
    var maxLat = Math.max.apply(null, s.buckets.map(function (b) { return b.p90_ms || 0; }).concat([1]));
    var parts = [svg('line', { class: 'axis', x1: 0, y1: H - 0.5, x2: W, y2: H - 0.5 })];
    var p50 = [], p90 = [];
    s.buckets.forEach(function (b, i) {
      var rate = b.finished / secs;
      if (rate > 0) {
        var h = (rate / maxRate) * (H - top);
        parts.push(svg('rect', { class: 'bar', x: i * bw + 1, y: H - h, width: Math.max(1, bw - 2), height: h }));
      }
      var x = i * bw + bw / 2;
      if (b.p50_ms !== null) p50.push(x + ',' + (H - (b.p50_ms / maxLat) * (H - top)));
      if (b.p90_ms !== null) p90.push(x + ',' + (H - (b.p90_ms / maxLat) * (H - top)));
    });
    [[p90, 'p90'], [p50, 'p50']].forEach(function (line) {
      if (line[0].length > 1) parts.push(polyline(line[0], line[1]));
      // A dot per bucket, so a lone bucket shows too (the SVG is stretched: keep dots small).
      line[0].forEach(function (pt) {
        var xy = pt.split(',');
        parts.push(svg('rect', { class: 'dot ' + line[1], x: Number(xy[0]) - 2, y: Number(xy[1]) - 2, width: 4, height: 4 }));
      });
    });
    chart.replaceChildren.apply(chart, parts);
    $('chart-summary').textContent = s.finished + ' finished · peak ' + maxRate.toFixed(1) + ' jobs/s · p50 ' + duration(s.p50_ms) + ' · p90 ' + duration(s.p90_ms);
  }

  var failures = 0;
  async function refresh() {
    var health = $('health');
    try {
      var h = await getJSON('/v1/health');
      health.textContent = h.status === 'ok' ? 'ok · up ' + duration(h.uptime_s * 1000) : String(h.status);
      health.className = 'pill ' + (h.status === 'ok' ? 'ok' : 'down');
    } catch (e) {
      health.textContent = 'unreachable';
      health.className = 'pill down';
    }
    try {
      var s = await getJSON('/v1/dashboard/summary?limit=50');
      failures = 0;
      banner('');
      contractId = s.stats.contract_id || null;
      $('contract').textContent = contractId || 'none (HTTPS executions only)';
      renderCounts(s.stats, s.workers);
      renderJobs(s.jobs);
      renderWorkers(s.workers);
      renderThrottle(s.throttle);
      renderChart(s.series);
      $('updated').textContent = new Date(s.now).toLocaleTimeString();
    } catch (e) {
      failures++;
      banner('Could not refresh: ' + e.message + (e.status === 429 ? ' (rate limited; retrying)' : ''));
    }
    // Back off while failing; never overlap two refreshes.
    setTimeout(refresh, REFRESH_MS * Math.min(8, 1 + failures));
  }

  // ---- request history, from the contract through the coordinator's RPC proxy ----

  var history = { account: null, from: 0, total: 0 };

  function base64(text) {
    var bytes = new TextEncoder().encode(text);
    var bin = '';
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin);
  }

  async function view(method, args) {
    var body = {
      jsonrpc: '2.0', id: 'dashboard', method: 'query',
      params: { request_type: 'call_function', finality: 'final', account_id: contractId, method_name: method, args_base64: base64(JSON.stringify(args)) },
    };
    var r = await getJSON('/v1/near-rpc', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
    if (r.error) throw new Error((r.error.cause && r.error.cause.info && r.error.cause.info.error_message) || r.error.data || r.error.message || 'RPC error');
    if (r.result && r.result.error) throw new Error(String(r.result.error));
    return JSON.parse(new TextDecoder().decode(new Uint8Array(r.result.result)));
  }

  function codeOf(src) {
    if (!src) return '–';
    if (src.artifact) return src.artifact.kind + ' ' + String(src.artifact.sha256).slice(0, 10) + '…';
    if (src.repo) return src.repo + '@' + String(src.commit).slice(0, 8);
    return '–';
  }
  function nsTime(ns) {
    if (ns === null || ns === undefined) return '–';
    var ms = typeof ns === 'number' ? Math.floor(ns / 1e6) : Number(String(ns).slice(0, -6) || '0');
    return ms > 0 ? new Date(ms).toLocaleString() : '–';
  }

  function renderHistory(page) {
    var rows = page.items.slice().reverse().map(function (r) {
      if (!r) return el('tr', null, [cell('(missing)')]);
      var used = r.resources_used;
      return el('tr', { 'data-request-id': r.request_id, 'data-status': r.status }, [
        cell(r.request_id),
        el('td', null, [pill(String(r.status), r.status === 'completed' ? 'ok' : r.status === 'failed' ? 'failed' : 'claimed')]),
        cell(r.sender_id, { class: 'mono' }),
        cell(codeOf(r.code_source), { class: 'mono' }),
        cell(used ? number(used.instructions) : null),
        cell(near(r.payment_charged)),
        cell(r.error ? String(r.error).slice(0, 80) : null, { class: 'trunc', title: r.error || '' }),
        cell(nsTime(r.timestamp)),
      ]);
    });
    replaceRows($('history').tBodies[0], rows, 8, 'No requests for this account.');
    var first = page.total === 0 ? 0 : page.from_index + 1;
    var last = page.from_index + page.items.length;
    $('history-range').textContent = page.total === 0 ? '' : first + '–' + last + ' of ' + page.total + ' (newest first)';
    $('history-newer').disabled = last >= page.total;
    $('history-older').disabled = page.from_index <= 0;
  }

  async function loadHistory(from) {
    var status = $('history-status');
    if (!contractId) { status.textContent = 'This coordinator watches no contract.'; return; }
    status.textContent = 'Loading…';
    try {
      var page = await view('get_request_history', { account_id: history.account, from_index: from === null ? 0 : from, limit: HISTORY_PAGE });
      if (from === null) {
        // First look: jump to the newest page.
        var newest = Math.max(0, page.total - HISTORY_PAGE);
        if (newest > 0) page = await view('get_request_history', { account_id: history.account, from_index: newest, limit: HISTORY_PAGE });
      }
      history.from = page.from_index;
      history.total = page.total;
      renderHistory(page);
      status.textContent = page.total + ' request' + (page.total === 1 ? '' : 's') + ' for ' + page.account_id;
    } catch (e) {
      status.textContent = 'Could not read the history: ' + e.message;
    }
  }

  // ---- a browser worker in this tab ----

  var worker = null;
  function logLine(text, isError) {
    var li = el('li', isError ? { class: 'error' } : null, [new Date().toLocaleTimeString() + ' ' + text]);
    var log = $('bw-log');
    log.appendChild(li);
    while (log.children.length > 100) log.removeChild(log.firstChild);
    log.scrollTop = log.scrollHeight;
  }
  function describe(detail) {
    if (detail === undefined || detail === null) return '';
    if (typeof detail === 'string') return detail;
    if (typeof detail.status === 'string') {
      // BrowserWorker's WorkerStatus: {status, jobId?, message?, completed, failed}.
      return detail.status + (detail.jobId ? ' ' + detail.jobId : '') + (detail.message ? ' — ' + detail.message : '') +
        (typeof detail.completed === 'number' ? ' (completed ' + detail.completed + ', failed ' + detail.failed + ')' : '');
    }
    try { return JSON.stringify(detail).slice(0, 300); } catch (e) { return String(detail); }
  }
  function loadBundle() {
    if (window.OutLayer) return Promise.resolve(window.OutLayer);
    return new Promise(function (resolve, reject) {
      var s = el('script', { src: '/outlayer.iife.js' });
      s.onload = function () { window.OutLayer ? resolve(window.OutLayer) : reject(new Error('the bundle loaded but defines no OutLayer global')); };
      s.onerror = function () { s.remove(); reject(new Error('this coordinator does not serve the browser bundle (dist/outlayer.iife.js is not built)')); };
      document.head.appendChild(s);
    });
  }
  async function startWorker(token) {
    var start = $('bw-start');
    start.disabled = true;
    try {
      var OutLayer = await loadBundle();
      if (!OutLayer || typeof OutLayer.BrowserWorker !== 'function') throw new Error('OutLayer.BrowserWorker is not available in this bundle');
      var w = new OutLayer.BrowserWorker({ coordinator: location.origin, token: token });
      ['status', 'job', 'error', 'log'].forEach(function (name) {
        var on = function (ev) {
          var detail = ev && ev.detail !== undefined ? ev.detail : ev;
          logLine((name === 'status' ? '' : name + ': ') + describe(detail), name === 'error' || (detail && detail.status === 'backoff'));
        };
        if (typeof w.addEventListener === 'function') w.addEventListener(name, on);
        else if (typeof w.on === 'function') w.on(name, on);
      });
      worker = w;
      $('bw-stop').hidden = false;
      logLine('starting…');
      // start() resolves once registered (it retries while the coordinator is unreachable).
      await w.start();
      if (worker === w) logLine('registered' + (w.workerId ? ' as ' + w.workerId : '') + '; claiming jobs');
    } catch (e) {
      worker = null;
      $('bw-stop').hidden = true;
      logLine('OutLayer browser worker unavailable: ' + e.message, true);
      start.disabled = false;
    }
  }
  async function stopWorker() {
    var w = worker;
    worker = null;
    $('bw-stop').hidden = true;
    try {
      if (w && typeof w.stop === 'function') await w.stop();
      else if (w && typeof w.dispose === 'function') await w.dispose();
      logLine('stopped');
    } catch (e) {
      logLine('stop failed: ' + e.message, true);
    }
    $('bw-start').disabled = false;
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('history-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      history.account = $('history-account').value.trim();
      if (history.account) loadHistory(null);
    });
    $('history-older').addEventListener('click', function () { loadHistory(Math.max(0, history.from - HISTORY_PAGE)); });
    $('history-newer').addEventListener('click', function () { loadHistory(history.from + HISTORY_PAGE); });
    $('bw-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var token = $('bw-token').value.trim();
      if (token && !worker) startWorker(token);
    });
    $('bw-stop').addEventListener('click', stopWorker);
    refresh();
  });
})();
