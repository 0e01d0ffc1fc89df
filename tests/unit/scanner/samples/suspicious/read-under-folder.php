<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A file viewer: the request's name joined straight to the script's folder, nothing cut or
// checked, so "../" in it reads any file of the account (a file-disclosure hole).
header('Content-Type: text/plain');
readfile(__DIR__ . '/' . $_REQUEST['p']);
