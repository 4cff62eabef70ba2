// lamtheo — small progressive enhancements; every page works without this file.
(function () {
  // Print buttons (the bulletin notice).
  document.addEventListener('click', function (e) {
    var b = e.target.closest ? e.target.closest('[data-print]') : null;
    if (b) { e.preventDefault(); window.print(); }
  });
  // Ask before destructive actions marked with data-confirm.
  document.addEventListener('submit', function (e) {
    var msg = e.target.getAttribute('data-confirm');
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });
  // Submit the unit filter as soon as it changes.
  document.querySelectorAll('select[data-autosubmit]').forEach(function (s) {
    s.addEventListener('change', function () { s.form.submit(); });
  });
})();
// Marking sheet: live counts as radios change, so a secretary sees the tally before saving.
(function () {
  var form = document.getElementById('phieu-diem-danh');
  if (!form) { return; }
  form.addEventListener('change', function (e) {
    var row = e.target.closest && e.target.closest('.sheet-row');
    if (row && e.target.type === 'radio') { row.setAttribute('data-status', e.target.value); }
  });
})();
// Registration editor: "add an item" clones the card template; the quality checks run as the member
// writes (the server answers the same flags it would store), so a vague item is explained before saving.
(function () {
  var form = document.getElementById('ban-dang-ky');
  if (!form) { return; }
  var next = parseInt(form.getAttribute('data-next-index') || '0', 10);
  form.querySelectorAll('[data-add-item]').forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener('click', function () {
      var kind = btn.getAttribute('data-add-item');
      var tpl = document.getElementById('item-template-' + kind);
      var box = document.getElementById('items-' + kind);
      if (!tpl || !box) { return; }
      var html = tpl.innerHTML.replace(/9999/g, String(next));
      next += 1;
      box.insertAdjacentHTML('beforeend', html);
      var last = box.lastElementChild && box.lastElementChild.querySelector('textarea');
      if (last) { last.focus(); }
    });
  });
  var url = form.getAttribute('data-check-url');
  var timer = null;
  function render(items) {
    form.querySelectorAll('[data-flags-for]').forEach(function (ul) { ul.innerHTML = ''; });
    items.forEach(function (it) {
      var ul = form.querySelector('[data-flags-for="' + it.index + '"]');
      if (!ul) { return; }
      it.flags.forEach(function (f) {
        var li = document.createElement('li');
        var b = document.createElement('span');
        b.className = 'badge red';
        b.textContent = f.label;
        li.appendChild(b);
        li.appendChild(document.createTextNode(' ' + f.message));
        ul.appendChild(li);
      });
    });
  }
  function check() {
    var body = new URLSearchParams(new FormData(form));
    fetch(url, { method: 'POST', body: body, credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) { if (j && j.items) { render(j.items); } })
      .catch(function () {});
  }
  form.addEventListener('input', function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(check, 700);
  });
})();
