<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Statements without a letter or digit: a name kept in variables named only with
// underscores, then an item of one of them called with another.
$_ = [];
$__ = $_;
$___ = @$__[_];
$_[] = $___ . $___;
$_[_]($_[__]);
