// launchcast what-if workspace. Every change of a control is sent as a what-if (the same
// seed, so the same random draws); the answer's report sections replace the shown ones,
// and each promise's chance is set against the model as loaded, run at the same number of
// iterations. A change superseded before its answer came is aborted, which cancels its run
// on the server. Nothing is fetched from anywhere but this server.
(function () {
  'use strict';
  var body = document.body;
  var token = body.dataset.token;
  var loaded = JSON.parse(document.getElementById('loaded').textContent);
  var statusEl = document.getElementById('status');
  var saveStatus = document.getElementById('save-status');
  var report = document.getElementById('report');
  var movedTable = document.getElementById('moved-table');
  var iterationsEl = document.getElementById('iterations');
  var inflight = null, timer = null, seq = 0, baselines = {};
  if (location.search.indexOf('token=') >= 0) {
    history.replaceState(null, '', location.pathname);
  }

  function call(path, payload, signal) {
    return fetch(path, {
      method: 'POST',
      headers: { 'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json' },
      body: JSON.stringify(payload || {}),
      signal: signal
    }).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, status: r.status, body: j }; });
    });
  }
  function esc(t) {
    return String(t).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function all(sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); }
  function valueOf(el) {
    if (el.classList.contains('dist')) {
      var parts = Array.prototype.slice.call(el.querySelectorAll('input')).map(function (i) { return i.value.trim(); });
      return el.dataset.fn + '(' + parts.join(', ') + ')';
    }
    return el.value.trim();
  }
  function same(a, b) { return String(a).replace(/\s+/g, '') === String(b).replace(/\s+/g, ''); }
  function changes() {
    var set = {}, disable = [], enable = [];
    all('[data-key]').forEach(function (el) {
      var v = valueOf(el);
      if (!same(v, el.dataset.original)) {
        set[el.dataset.key] = el.dataset.type === 'number' ? Number(v) : v;
      }
    });
    all('input[data-disable]').forEach(function (el) {
      var was = el.dataset.original === 'true';
      if (was && !el.checked) { disable.push(el.dataset.disable); }
      if (!was && el.checked) { enable.push(el.dataset.disable); }
    });
    return { set: set, disable: disable, enable: enable };
  }
  function scenarios() {
    var boxes = all('input[data-scenario]');
    var on = boxes.filter(function (e) { return e.checked; }).map(function (e) { return e.dataset.scenario; });
    return on.length === boxes.length ? [] : on;
  }
  function clearErrors() {
    all('.error').forEach(function (e) { e.textContent = ''; });
    all('.bad').forEach(function (e) { e.classList.remove('bad'); });
  }
  function showError(err) {
    var key = err.key || '';
    var text = err.error + (err.key_path ? ' [' + err.key_path + ']' : '') + (err.help ? ' (' + err.help + ')' : '');
    var slot = all('[data-error-for]').filter(function (e) { return e.dataset.errorFor === key; })[0];
    if (!slot) { statusEl.textContent = text; return; }
    slot.textContent = text;
    all('[data-key],[data-disable]').forEach(function (e) {
      if (e.dataset.key === key || e.dataset.disable === key) { e.classList.add('bad'); }
    });
    statusEl.textContent = 'not applied: see the marked control';
  }
  function pct(p) { return (100 * p).toFixed(1) + '%'; }
  function moved(result, base) {
    var rows = [];
    result.scenarios.forEach(function (s) {
      var b = base.scenarios.filter(function (x) { return x.id === s.id; })[0];
      s.promises.forEach(function (p) {
        var before = b && b.promises.filter(function (q) { return q.id === p.id; })[0];
        var d = before ? p.probability - before.probability : null;
        var cls = d > 0 ? 'up' : (d < 0 ? 'down' : '');
        rows.push('<tr><td>' + esc(s.id) + '</td><td>' + esc(p.id) + '</td><td class="num" data-scenario="' +
          esc(s.id) + '" data-promise="' + esc(p.id) + '" data-probability="' + p.probability + '">' +
          pct(p.probability) + '</td><td class="num">' + (before ? pct(before.probability) : '-') +
          '</td><td class="num delta ' + cls + '">' +
          (d === null ? '-' : (d >= 0 ? '+' : '') + (100 * d).toFixed(1) + ' pts') + '</td></tr>');
      });
    });
    movedTable.innerHTML = '<table><thead><tr><th>scenario</th><th>promise</th><th>now</th>' +
      '<th>as loaded</th><th>moved</th></tr></thead><tbody>' + rows.join('') + '</tbody></table>' +
      '<p class="note">' + result.iterations.toLocaleString('en') + ' iterations, seed ' + result.seed +
      '; "as loaded" is the model as loaded on the same draws.</p>';
  }
  // The model as loaded at `n` iterations: what each change is set against.
  function baseline(n) {
    if (!baselines[n]) {
      baselines[n] = call('/api/whatif', { iterations: n }).then(function (r) {
        if (!r.ok) { delete baselines[n]; throw new Error(r.body.error); }
        return r.body;
      });
    }
    return baselines[n];
  }
  function run() {
    if (inflight) { inflight.abort(); }
    var ctl = new AbortController();
    inflight = ctl;
    var my = ++seq;
    var c = changes();
    var n = Number(iterationsEl.value);
    var payload = {
      set: c.set, disable: c.disable, enable: c.enable, scenarios: scenarios(), iterations: n,
      drivers: document.getElementById('drivers').checked
    };
    statusEl.textContent = 'simulating…';
    body.classList.add('busy');
    body.dataset.state = 'busy';
    var t0 = performance.now();
    Promise.all([call('/api/whatif/page', payload, ctl.signal), baseline(n)]).then(function (got) {
      if (my !== seq) { return; }
      var r = got[0];
      clearErrors();
      body.classList.remove('busy');
      if (!r.ok) { showError(r.body); body.dataset.state = 'error'; return; }
      report.innerHTML = r.body.html;
      moved(r.body.result, got[1]);
      statusEl.textContent = 'simulated in ' + Math.round(performance.now() - t0) + ' ms';
      body.dataset.state = 'done';
    }).catch(function (e) {
      if (e.name !== 'AbortError') {
        statusEl.textContent = 'failed: ' + e.message;
        body.classList.remove('busy');
        body.dataset.state = 'error';
      }
    });
  }
  function schedule() { clearTimeout(timer); timer = setTimeout(run, 120); }
  var controls = document.getElementById('controls');
  controls.addEventListener('input', function (ev) {
    var t = ev.target;
    if (t.type === 'range' && t.nextElementSibling) { t.nextElementSibling.textContent = t.value; }
    if (t.type === 'range' || t.type === 'checkbox') { schedule(); }
  });
  controls.addEventListener('change', function (ev) {
    if (ev.target.tagName === 'INPUT' || ev.target.tagName === 'SELECT') { schedule(); }
  });
  document.getElementById('save').addEventListener('click', function () {
    var c = changes();
    saveStatus.textContent = 'saving…';
    if (body.dataset.savable !== 'true') {
      saveStatus.textContent = 'this workspace serves a model without a file to save to';
      return;
    }
    call('/api/save', { set: c.set, disable: c.disable, enable: c.enable }).then(function (r) {
      var conflict = document.getElementById('conflict');
      if (r.ok) {
        all('[data-key]').forEach(function (el) { el.dataset.original = valueOf(el); });
        all('input[data-disable]').forEach(function (el) { el.dataset.original = String(el.checked); });
        baselines = {};
        conflict.hidden = true;
        saveStatus.textContent = 'saved to ' + r.body.saved;
        body.dataset.saved = 'yes';
        run();
      } else if (r.status === 409) {
        conflict.hidden = false;
        conflict.querySelector('.message').textContent = r.body.error;
        conflict.querySelector('.diff').textContent = r.body.diff || '';
        saveStatus.textContent = 'not saved';
        body.dataset.saved = 'conflict';
      } else {
        saveStatus.textContent = 'not saved';
        showError(r.body);
        body.dataset.saved = 'error';
      }
    });
  });
  document.getElementById('keep').addEventListener('click', function () {
    var c = changes();
    saveStatus.textContent = 'keeping…';
    call('/api/whatif', {
      set: c.set, disable: c.disable, enable: c.enable, scenarios: scenarios(),
      iterations: Number(iterationsEl.value), keep: true
    }).then(function (r) {
      saveStatus.textContent = r.ok ? 'kept in the history: see the trend' : r.body.error;
      body.dataset.kept = r.ok ? 'yes' : 'error';
    });
  });
  document.getElementById('reload').addEventListener('click', function () {
    call('/api/reload', {}).then(function (r) {
      if (r.ok) { location.reload(); } else { saveStatus.textContent = r.body.error; }
    });
  });
  document.getElementById('reset').addEventListener('click', function () { location.reload(); });
  moved(loaded, loaded);
  body.dataset.state = 'ready';
}());
