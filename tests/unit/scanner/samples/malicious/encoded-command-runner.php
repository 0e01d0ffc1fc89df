<?php
function run_cmd($cmd) {
    $out = array();
    exec($cmd . ' 2>&1', $out);
    return implode("\n", $out);
}
$remote = 'https://' . rawurlencode($_POST['user']) . '@git.example.org/site.git';
$task = urlencode($_POST['task']);
echo '<pre>' . htmlspecialchars(run_cmd($task . ' ' . $remote)) . '</pre>';
