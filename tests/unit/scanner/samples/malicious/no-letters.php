<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Spells names by incrementing strings held in variables named only with underscores.
$_ = [];
$_ = @"$_";
$_ = $_['!' == '@'];
$__ = $_;
$__++; $__++; $__++; $__++;
$___ = $__;
$__++; $__++; $__++; $__++;
$____ = '_';
$____ .= $__;
$____ .= $___;
$_ = $$____;
$_[_]($_[__]);
