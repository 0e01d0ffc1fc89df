<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// a cookie banner: the choice counted by the site's own endpoints
?>
<script>
if (document.cookie.indexOf('consent=') === -1) { document.getElementById('banner').style.display = 'block'; }
function accept() {
    document.cookie = 'consent=1; path=/; max-age=31536000';
    navigator.sendBeacon('/consent-log.php', JSON.stringify({choice: 'all', page: location.pathname}));
}
var x = new XMLHttpRequest();
x.open('POST', '/api/session-ping', true);
x.send(document.cookie.indexOf('consent=1') >= 0 ? 'c=1' : 'c=0');
</script>
