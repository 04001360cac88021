// errsig web page: progressive enhancement only. Every page works without this script; with it,
// the form diagnoses in place, a log file can be opened or dropped, and code blocks get a Copy
// button. Nothing leaves the page except the log sent to this server's /diagnose.
(function () {
  'use strict';

  var form = document.getElementById('diagnose-form');
  if (form) enhanceForm(form);
  addCopyButtons(document);

  function enhanceForm(form) {
    var log = document.getElementById('log');
    var slot = document.getElementById('results-slot');
    var status = document.getElementById('form-status');
    var button = form.querySelector('button[type=submit]');
    var fileInput = document.getElementById('log-file');
    var maxBytes = Number(form.getAttribute('data-max-bytes')) || 0;
    form.querySelectorAll('[data-js-only]').forEach(function (element) {
      element.hidden = false;
    });

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (!log.value.trim()) {
        status.textContent = 'Paste a log first.';
        log.focus();
        return;
      }
      button.disabled = true;
      form.setAttribute('aria-busy', 'true');
      status.textContent = 'Diagnosing…';
      // The log goes as plain text: no form encoding to inflate it past the body limit.
      fetch('/diagnose?partial=1', {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain; charset=utf-8', Accept: 'text/html' },
        body: log.value,
        credentials: 'same-origin',
      })
        .then(function (response) {
          var type = response.headers.get('Content-Type') || '';
          if (type.indexOf('text/html') !== 0) throw new Error('the server answered ' + response.status);
          return response.text();
        })
        .then(function (html) {
          slot.innerHTML = html;
          addCopyButtons(slot);
          status.textContent = '';
          var results = document.getElementById('results');
          if (results) {
            results.focus({ preventScroll: true });
            results.scrollIntoView({ block: 'start' });
          }
        })
        .catch(function (error) {
          status.textContent = 'The diagnosis failed (' + error.message + '). Try again.';
        })
        .finally(function () {
          button.disabled = false;
          form.removeAttribute('aria-busy');
        });
    });

    log.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });

    fileInput.addEventListener('change', function () {
      if (fileInput.files.length) load(fileInput.files[0]);
    });
    log.addEventListener('dragover', function (event) {
      event.preventDefault();
      log.classList.add('dropping');
    });
    log.addEventListener('dragleave', function () {
      log.classList.remove('dropping');
    });
    log.addEventListener('drop', function (event) {
      event.preventDefault();
      log.classList.remove('dropping');
      var files = event.dataTransfer && event.dataTransfer.files;
      if (files && files.length) load(files[0]);
    });

    function load(file) {
      if (maxBytes && file.size > maxBytes) {
        status.textContent = file.name + ' is larger than the server accepts; paste the part around the error.';
        return;
      }
      file.text().then(
        function (text) {
          log.value = text;
          status.textContent = 'Opened ' + file.name + '. Press Diagnose.';
          log.focus();
        },
        function () {
          status.textContent = file.name + ' could not be read.';
        }
      );
    }
  }

  function addCopyButtons(root) {
    root.querySelectorAll('.code-block').forEach(function (block) {
      if (block.querySelector('button.copy')) return;
      var pre = block.querySelector('pre');
      if (!pre) return;
      var copy = document.createElement('button');
      copy.type = 'button';
      copy.className = 'copy';
      copy.textContent = 'Copy';
      copy.setAttribute('aria-label', block.getAttribute('data-copy-label') || 'Copy the code');
      copy.addEventListener('click', function () {
        var text = pre.textContent;
        var done = function () {
          copy.textContent = 'Copied';
          setTimeout(function () {
            copy.textContent = 'Copy';
          }, 2000);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () {
            fallbackCopy(pre) && done();
          });
        } else if (fallbackCopy(pre)) {
          done();
        }
      });
      block.insertBefore(copy, pre);
    });
  }

  // Outside a secure context (plain http on a LAN address) the clipboard API is missing.
  function fallbackCopy(pre) {
    var range = document.createRange();
    range.selectNodeContents(pre);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var ok = false;
    try {
      ok = document.execCommand('copy');
    } catch (error) {
      ok = false;
    }
    selection.removeAllRanges();
    return ok;
  }
})();
