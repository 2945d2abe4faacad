// sheet.js: the score sheet's live result and its saving (src/page_sheet.h). The page works
// without it: its form posts the choices and the server answers with the result. With it, each
// change asks the server for the result (POST the sheet's evaluate URL: the rules stay in
// rubric.c) and, where the sheet has a save URL, saves the choices there (PUT, with the
// session's CSRF token) and keeps a copy in this browser until the server has them, so a
// session that ended or a network that dropped loses nothing. Every text shown comes from the
// page (data-*-text, in the page's language), with "#" where a number or a time goes.
(function () {
  'use strict';
  var box = document.querySelector('[data-sheet]');
  if (!box || !window.fetch) return;
  var form = box.closest('form');
  var csrfField = form && form.querySelector('input[name="_csrf"]');
  var csrf = csrfField ? csrfField.value : '';
  var key = box.dataset.key ? 'ocop-sheet:' + box.dataset.key : null;
  var out = function (name) { return box.querySelector('[data-r="' + name + '"]'); };
  var text = function (name, value) { return (box.dataset[name + 'Text'] || '#').replace('#', value); };
  var stars = function (n) { return n > 0 ? new Array(n + 1).join('\u2605') : ''; };

  function choices() {
    var c = {};
    box.querySelectorAll('fieldset[data-code]').forEach(function (fs) {
      var x = fs.querySelector('input[type="radio"]:checked');
      c[fs.dataset.code] = x ? (x.value === 'not_met' ? 'not_met' : Number(x.value)) : null;
      fs.classList.toggle('missing', !x);
    });
    return c;
  }

  function comments() {
    var c = {}, any = false;
    box.querySelectorAll('textarea[name^="m."]').forEach(function (t) {
      any = true;
      if (t.value.trim()) c[t.name.slice(2)] = t.value;
    });
    return any ? c : null;
  }

  function code(c) { return c.replace(/\./g, '-'); }

  function show(res) {
    out('total').textContent = res.total;
    ['A', 'B', 'C'].forEach(function (p) { out(p).textContent = res.parts[p]; });
    out('band').textContent = stars(res.band);
    out('stars').textContent = stars(res.stars);
    out('stars_label').textContent = text('stars', res.stars);
    out('missing').textContent = res.missing && res.missing.length ? text('missing', res.missing.length) : '';
    var held = out('held');
    held.textContent = '';
    if (res.held_back_by && res.held_back_by.length) {
      var ul = document.createElement('ul');
      ul.className = 'held';
      res.held_back_by.forEach(function (h) {
        var li = document.createElement('li'), a = document.createElement('a');
        var legend = box.querySelector('#k-' + code(h.code) + ' legend');
        a.href = '#k-' + code(h.code);
        a.textContent = legend ? legend.firstChild.textContent + ' ' + legend.childNodes[1].textContent.trim() : h.code;
        li.appendChild(a);
        li.appendChild(document.createTextNode(': ' + text('held', h.caps_at)));
        ul.appendChild(li);
      });
      held.appendChild(ul);
    }
  }

  function evaluate() {
    return fetch(box.dataset.evaluate, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, credentials: 'same-origin',
      body: JSON.stringify({ choices: choices() })
    }).then(function (r) { return r.ok ? r.json().then(show) : null; }).catch(function () {});
  }

  function status(msg) { out('saved').textContent = msg; }

  function keep(body) { if (key) try { localStorage.setItem(key, JSON.stringify(body)); } catch (e) { /* private mode */ } }

  function save() {
    var body = { choices: choices() }, c = comments();
    if (c) body.comments = c;
    keep(body);
    status(box.dataset.savingText || '');
    return fetch(box.dataset.save, {
      method: 'PUT', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (r.ok) {
        if (key) localStorage.removeItem(key);
        var d = new Date();
        status(text('saved', ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2)));
      } else if (r.status === 401) {
        status(box.dataset.expiredText);
      } else {
        return r.json().then(function (p) { status(text('failed', p.detail || r.status)); },
                             function () { status(text('failed', r.status)); });
      }
    }).catch(function () { status(text('failed', '…')); });
  }

  // Choices kept in this browser that the server never got: put back, then saved.
  function restore() {
    if (!key) return false;
    var kept;
    try { kept = JSON.parse(localStorage.getItem(key) || 'null'); } catch (e) { kept = null; }
    if (!kept || !kept.choices) return false;
    Object.keys(kept.choices).forEach(function (k) {
      var v = kept.choices[k];
      var x = v === null ? null : box.querySelector('fieldset[data-code="' + k + '"] input[value="' + v + '"]');
      if (x) x.checked = true;
    });
    Object.keys(kept.comments || {}).forEach(function (k) {
      var t = box.querySelector('textarea[name="m.' + k + '"]');
      if (t) t.value = kept.comments[k];
    });
    status(box.dataset.restoredText || '');
    return true;
  }

  var timer = null;
  function changed() {
    evaluate();
    if (!box.dataset.save) return;
    clearTimeout(timer);
    timer = setTimeout(save, 300);
  }
  box.addEventListener('change', changed);
  box.addEventListener('input', function (e) { if (e.target.tagName === 'TEXTAREA') { keep({ choices: choices(), comments: comments() }); changed(); } });
  if (restore()) changed();
})();
