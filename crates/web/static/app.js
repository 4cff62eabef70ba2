// lamtheo — small progressive enhancements; every page works without this file.
(function () {
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
