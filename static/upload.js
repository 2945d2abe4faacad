// upload.js: a file form's progress (the producer's portal, src/page_portal.c). The page works
// without it: its multipart form posts and the server answers with the next page. With it, the
// form is sent by XMLHttpRequest so a bar shows how much of the file has gone, which matters on
// a phone's slow network; the server's answer (the page the form leads to, or the page that
// says what was wrong) then replaces this one. The text comes from the page (data-sending-text,
// "#" where the percentage goes).
(function () {
  'use strict';
  if (!window.FormData || !window.XMLHttpRequest) return;
  document.querySelectorAll('form[data-upload]').forEach(function (form) {
    var bar = form.querySelector('progress'), label = form.querySelector('.progress-text');
    var button = form.querySelector('button[type="submit"]');
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.upload.addEventListener('progress', function (p) {
        if (!p.lengthComputable) return;
        var pct = Math.round(100 * p.loaded / p.total);
        bar.hidden = false;
        bar.value = pct;
        label.textContent = (label.dataset.sendingText || '#').replace('#', pct);
      });
      xhr.addEventListener('load', function () {
        // a form that worked was answered 303 and followed: go to where it led
        if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL) {
          window.location.assign(xhr.responseURL);
          return;
        }
        var doc = new DOMParser().parseFromString(xhr.responseText, 'text/html');
        document.title = doc.title;
        document.body.replaceWith(doc.body);
        var err = document.querySelector('[role="alert"]');
        if (err) err.scrollIntoView();
      });
      xhr.addEventListener('error', function () {
        button.disabled = false;
        form.submit();
      });
      button.disabled = true;
      xhr.send(new FormData(form));
    });
  });
})();
