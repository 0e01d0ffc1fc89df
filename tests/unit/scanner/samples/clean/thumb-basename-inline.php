<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A thumbnail server: the name cut by basename() in the call itself.
header('Content-Type: image/jpeg');
readfile('thumbs/' . basename($_GET['img']));
