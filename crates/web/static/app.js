// lamtheo — small progressive enhancements; every page works without this file.
(function () {
  // Print buttons (the bulletin notice).
  document.addEventListener('click', function (e) {
    var b = e.target.closest ? e.target.closest('[data-print]') : null;
    if (b) { e.preventDefault(); window.print(); }
  });
  // Ask before destructive actions marked with data-confirm (on the form, or on the button pressed).
  document.addEventListener('submit', function (e) {
    var msg = e.target.getAttribute('data-confirm') ||
      (e.submitter && e.submitter.getAttribute('data-confirm-submit'));
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });
  // Uploads and slow forms: the buttons say the work is under way and cannot be pressed twice. Disabled
  // only after the submission has started, so the pressed button's name and value still go with it.
  document.addEventListener('submit', function (e) {
    var f = e.target;
    if (e.defaultPrevented) { return; }
    var multipart = (f.getAttribute('enctype') || '').indexOf('multipart/') === 0;
    if (!multipart && !f.hasAttribute('data-busy')) { return; }
    var msg = f.getAttribute('data-busy') || 'Đang tải lên, xin chờ…';
    f.setAttribute('aria-busy', 'true');
    setTimeout(function () {
      f.querySelectorAll('button').forEach(function (b) {
        if (!b.hasAttribute('data-label')) { b.setAttribute('data-label', b.textContent); }
        b.disabled = true;
      });
      var pressed = e.submitter || f.querySelector('button[type=submit]');
      if (pressed) { pressed.textContent = msg; }
    }, 0);
  });
  // Slow downloads (Word and Excel made on request): the link says so until the file has had time to come.
  document.addEventListener('click', function (e) {
    var a = e.target.closest ? e.target.closest('a[data-busy]') : null;
    if (!a || a.getAttribute('aria-busy') === 'true') {
      if (a) { e.preventDefault(); }
      return;
    }
    var label = a.textContent;
    a.setAttribute('aria-busy', 'true');
    a.classList.add('busy');
    a.textContent = a.getAttribute('data-busy');
    setTimeout(function () {
      a.removeAttribute('aria-busy');
      a.classList.remove('busy');
      a.textContent = label;
    }, 8000);
  });
  // Back to a page left while busy (the browser's cache keeps it as it was): usable again.
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('form[aria-busy=true]').forEach(function (f) {
      f.removeAttribute('aria-busy');
      f.querySelectorAll('button[data-label]').forEach(function (b) {
        b.disabled = false;
        b.textContent = b.getAttribute('data-label');
      });
    });
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
  // "Lưu và nộp" with warnings on the page: ask first (a vague item is usually returned).
  form.addEventListener('submit', function (e) {
    if (!e.submitter || e.submitter.value !== 'submit') { return; }
    var n = form.querySelectorAll('[data-flags-for] li').length;
    if (n && !window.confirm('Còn ' + n + ' cảnh báo về nội dung (chung chung, chưa gắn với chức trách…). ' +
      'Nội dung như vậy thường bị trả lại. Vẫn nộp?')) { e.preventDefault(); }
  });
})();
// Dates: every date box shows and takes dd/mm/yyyy whatever the browser's language (a browser in English
// would show 12/07/2026 for 7 December). The native date input stays in the form with its name and ISO
// value, hidden, and opens as the picker; the visible box is text. Without this file the native input works.
(function () {
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function toDmy(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
    return m ? m[3] + '/' + m[2] + '/' + m[1] : '';
  }
  // dd/mm/yyyy (also with - or .), or a pasted yyyy-mm-dd, as the server reads dates.
  function toIso(text) {
    var d, mo, y;
    var m = /^\s*(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})\s*$/.exec(text || '');
    var iso = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/.exec(text || '');
    if (m) {
      d = parseInt(m[1], 10); mo = parseInt(m[2], 10); y = parseInt(m[3], 10);
    } else if (iso) {
      y = parseInt(iso[1], 10); mo = parseInt(iso[2], 10); d = parseInt(iso[3], 10);
    } else {
      return null;
    }
    var dt = new Date(Date.UTC(y, mo - 1, d));
    if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) { return null; }
    return y + '-' + pad(mo) + '-' + pad(d);
  }
  document.querySelectorAll('input[type=date]').forEach(function (native) {
    var text = document.createElement('input');
    text.type = 'text';
    text.inputMode = 'numeric';
    text.autocomplete = 'off';
    text.placeholder = 'dd/mm/yyyy';
    text.className = native.className;
    text.required = native.required;
    ['aria-invalid', 'aria-describedby', 'title'].forEach(function (a) {
      if (native.hasAttribute(a)) { text.setAttribute(a, native.getAttribute(a)); }
    });
    if (native.id) { text.id = native.id; native.id = native.id + '-lich'; }
    text.value = toDmy(native.value);
    native.tabIndex = -1;
    native.setAttribute('aria-hidden', 'true');
    native.classList.add('date-native');
    var box = document.createElement('span');
    box.className = 'date-field';
    var pick = document.createElement('button');
    pick.type = 'button';
    pick.className = 'date-pick secondary';
    pick.setAttribute('aria-label', 'Chọn ngày trên lịch');
    // A drawn calendar (an emoji needs a font many office machines lack).
    pick.innerHTML = '<svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false">' +
      '<rect x="3" y="5" width="18" height="16" rx="2" fill="none" stroke="currentColor" stroke-width="2"/>' +
      '<path d="M3 10h18M8 3v4M16 3v4" stroke="currentColor" stroke-width="2" fill="none"/></svg>';
    native.parentNode.insertBefore(box, native);
    box.appendChild(text);
    box.appendChild(pick);
    box.appendChild(native);
    text.addEventListener('input', function () {
      if (!text.value.trim()) { native.value = ''; text.setCustomValidity(''); return; }
      var iso = toIso(text.value);
      native.value = iso || '';
      text.setCustomValidity(iso ? '' : 'Ngày viết theo dạng ngày/tháng/năm, ví dụ 07/12/2026');
    });
    pick.addEventListener('click', function () {
      try { native.showPicker(); } catch (e) { native.focus(); }
    });
    native.addEventListener('change', function () {
      text.value = toDmy(native.value);
      text.setCustomValidity('');
    });
  });
})();
