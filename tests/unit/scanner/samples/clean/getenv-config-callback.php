<?php
// the visitor's languages (a request header) are data given to a fixed callback
$langs = array_map('trim', explode(',', (string) getenv('HTTP_ACCEPT_LANGUAGE')));
$langs = array_filter($langs, 'strlen');
usort($langs, function ($a, $b) { return strcmp($a, $b); });
echo htmlspecialchars(implode(' ', $langs));
