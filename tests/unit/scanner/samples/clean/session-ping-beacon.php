<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// keeps the session alive while the tab is open: a ping to the site's own API, its address built from the host
$api = 'https://' . $_SERVER['HTTP_HOST'] . '/api/session/ping';
?>
<script>
setInterval(function () { navigator.sendBeacon('<?php echo $api; ?>', document.cookie); }, 60000);
</script>
