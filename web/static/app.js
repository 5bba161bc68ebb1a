// userimport web: the page's only script. Plain JavaScript, no library;
// the server renders every page and every grid row (escaped by
// html/template), so this script never builds markup from cell values.
(function () {
  'use strict';
  var body = document.body;
  var csrf = body.getAttribute('data-csrf');
  var job = body.getAttribute('data-job');

  // Upload: drag and drop onto the drop zone fills the file input.
  var drop = document.getElementById('drop');
  var file = document.getElementById('file');
  if (drop && file) {
    ['dragenter', 'dragover'].forEach(function (ev) {
      drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.add('over'); });
    });
    ['dragleave', 'drop'].forEach(function (ev) {
      drop.addEventListener(ev, function () { drop.classList.remove('over'); });
    });
    drop.addEventListener('drop', function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) {
        file.files = e.dataTransfer.files;
        showName();
      }
    });
    file.addEventListener('change', showName);
  }
  function showName() {
    var big = drop.querySelector('.big');
    if (file.files.length) { big.textContent = file.files[0].name; }
  }

  // Import: the start button needs "valid rows only" while rows have errors.
  var start = document.getElementById('start-import');
  var validOnly = document.getElementById('validOnly');
  if (start && validOnly) {
    validOnly.addEventListener('change', function () { start.disabled = !validOnly.checked; });
  }

  // Check: edit a cell in place.
  var grid = document.getElementById('grid');
  var msgs = document.getElementById('i18n-edit');
  if (grid && msgs) {
    grid.addEventListener('click', function (e) {
      var btn = e.target.closest('button.cell');
      if (btn && !btn.disabled) { edit(btn); }
    });
  }
  function edit(btn) {
    var td = btn.parentElement;
    var tr = td.parentElement;
    var isPw = btn.getAttribute('data-password') === '1';
    var input = document.createElement('input');
    input.type = isPw ? 'password' : 'text';
    input.className = 'editor';
    input.autocomplete = 'off';
    input.setAttribute('aria-label', msgs.getAttribute('data-edit') + ' ' + btn.getAttribute('data-ref'));
    if (!isPw) {
      var v = btn.querySelector('.v');
      input.value = v ? v.textContent : '';
    }
    btn.hidden = true;
    td.insertBefore(input, btn);
    input.focus();
    input.select();
    var done = false;
    function cancel() {
      if (done) { return; }
      done = true;
      input.remove();
      btn.hidden = false;
      btn.focus();
    }
    input.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { e.preventDefault(); cancel(); }
      if (e.key === 'Enter') {
        e.preventDefault();
        done = true;
        save(tr, td, input, btn);
      }
    });
    input.addEventListener('blur', function () { if (!done) { cancel(); } });
  }
  function save(tr, td, input, btn) {
    var row = parseInt(tr.getAttribute('data-row'), 10);
    var col = parseInt(td.getAttribute('data-col'), 10);
    input.disabled = true;
    var status = document.createElement('span');
    status.className = 'saving';
    status.setAttribute('role', 'status');
    status.textContent = msgs.getAttribute('data-saving');
    td.appendChild(status);
    fetch('/jobs/' + job + '/cell', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, 'Accept': 'application/json' },
      body: JSON.stringify({ row: row, col: col, value: input.value })
    }).then(function (resp) {
      return resp.json().then(function (data) {
        if (!resp.ok) { throw new Error(data.error || resp.status); }
        return data;
      });
    }).then(function (data) {
      applyRows(data.rows);
      setText('errorsN', data.counts.Errors);
      setText('warningsN', data.counts.Warnings);
      var again = grid.querySelector('tr[data-row="' + row + '"] td[data-col="' + col + '"] button.cell');
      if (again) { again.focus(); }
    }).catch(function (err) {
      status.textContent = msgs.getAttribute('data-failed') + ': ' + err.message;
      status.className = 'saving failed';
      input.disabled = false;
      input.remove();
      btn.hidden = false;
    });
  }
  // applyRows swaps in rows the server rendered (and escaped).
  function applyRows(rows) {
    (rows || []).forEach(function (r) {
      var old = grid.querySelector('tr[data-row="' + r.index + '"]');
      if (!old) { return; }
      var tpl = document.createElement('template');
      tpl.innerHTML = r.html.trim();
      old.replaceWith(tpl.content.firstElementChild);
    });
  }
  function setText(id, v) {
    var el = document.getElementById(id);
    if (el) { el.textContent = String(v); }
  }

  // Plan and Import: live progress over Server-Sent Events. EventSource
  // reconnects by itself; the server sends the current state first.
  var progress = document.getElementById('progress');
  var runMsgs = document.getElementById('i18n-run');
  if (progress && runMsgs && progress.getAttribute('data-live') === '1' && window.EventSource) {
    var run = progress.getAttribute('data-run');
    var es = new EventSource('/jobs/' + job + '/events' + (run === 'plan' ? '?run=plan' : ''));
    es.addEventListener('progress', function (e) { show(JSON.parse(e.data)); });
    es.addEventListener('done', function (e) {
      es.close();
      show(JSON.parse(e.data));
      progress.removeAttribute('data-live');
      var cancel = document.getElementById('cancel');
      if (cancel) { cancel.disabled = true; }
      var after = document.getElementById('after');
      if (after) {
        after.hidden = false;
      } else {
        // The finished plan page has the table of what would happen.
        window.location.reload();
      }
    });
    es.onerror = function () { setText('runstate', runMsgs.getAttribute('data-reconnecting')); };
  }
  function show(p) {
    var fill = document.getElementById('fill');
    if (fill) { fill.value = p.percent; fill.textContent = p.percent + '%'; }
    setText('pct', p.percent);
    setText('done', p.done);
    setText('total', p.total);
    setText('rate', Math.round(p.rate));
    setText('eta', p.eta < 0 ? '…' : p.eta + ' s');
    var state = p.finished ? (p.interrupted ? 'interrupted' : (p.error ? 'failed' : 'finished')) : 'running';
    setText('runstate', runMsgs.getAttribute('data-' + state));
    var list = document.getElementById('counts');
    if (list && p.counts) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      Object.keys(p.counts).sort().forEach(function (st) {
        var li = document.createElement('li');
        li.className = 'st-' + st;
        li.setAttribute('data-status', st);
        li.appendChild(document.createTextNode((runMsgs.getAttribute('data-st-' + st) || st) + ': '));
        var b = document.createElement('b');
        b.textContent = String(p.counts[st]);
        li.appendChild(b);
        list.appendChild(li);
      });
    }
  }

  // Handlers are in place: tests (and people) may use the page.
  body.setAttribute('data-ready', '1');
})();
