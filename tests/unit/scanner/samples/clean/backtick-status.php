<?php
// A status page: fixed commands, the request only picks which section is shown.
$section = $_SERVER['QUERY_STRING'] === 'disk' ? 'disk' : 'load';
$out = $section === 'disk' ? `df -h /` : `uptime`;
echo '<pre>' . htmlspecialchars($out) . '</pre>';
