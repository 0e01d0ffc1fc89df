<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
if (!defined('WPX_LOADED')) {
    define('WPX_LOADED', 1);
    include_once dirname(__FILE__) . '/../uploads/2021/04/.3fa9c2e1.cache';
}
