// Live updates: the server pushes one "snapshot" event per poll over SSE; the page then swaps in a fresh render of
// its #live part from the dashboard (never from agents). At most one refresh is in flight; a burst of events
// collapses into one more refresh.
(function () {
  'use strict';
  window.edgeswarmLoadedAt = window.edgeswarmLoadedAt || Date.now();
  var dot, text, busy = false, again = false;

  function status(ok, message) {
    if (!dot) { return; }
    dot.className = 'dot ' + (ok ? 'ok' : 'down');
    text.textContent = message;
  }

  function refresh() {
    var live = document.getElementById('live');
    if (!live) { return; }
    if (busy) { again = true; return; }
    busy = true;
    var url = new URL(window.location.href);
    url.searchParams.set('fragment', 'live');
    fetch(url, { headers: { 'Accept': 'text/html' }, cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('live');
        if (fresh) {
          // Replace only what changed, so an unchanged page keeps its DOM (and the reader's selection).
          if (fresh.innerHTML !== live.innerHTML) { live.innerHTML = fresh.innerHTML; }
          live.setAttribute('data-version', fresh.getAttribute('data-version'));
        }
      })
      .catch(function (error) { status(false, 'refresh failed: ' + error.message); })
      .finally(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  var source = null;

  function connect() {
    if (source || !window.EventSource) { return; }
    source = new EventSource('/events');
    source.addEventListener('snapshot', function (event) {
      var tick = JSON.parse(event.data);
      status(true, 'live · ' + tick.members + ' members · ' + new Date(tick.takenAt).toLocaleTimeString());
      var live = document.getElementById('live');
      if (live && live.getAttribute('data-version') !== String(tick.version)) { refresh(); }
    });
    source.onerror = function () { status(false, 'reconnecting…'); };
  }

  // Over HTTP/1.1 a browser opens about six connections per host, and each event stream holds one. A page left for
  // another (or kept in the back-forward cache) must give its stream back, or a few clicks exhaust the pool.
  function disconnect() {
    if (source) { source.close(); source = null; }
  }

  document.addEventListener('DOMContentLoaded', function () {
    dot = document.getElementById('live-dot');
    text = document.getElementById('live-text');
    if (!window.EventSource) { status(false, 'no live updates in this browser'); return; }
    connect();
  });
  window.addEventListener('pagehide', disconnect);
  window.addEventListener('pageshow', function (event) {
    if (event.persisted) { connect(); refresh(); }
  });
})();
