<?php
// pull the site's repository with the credentials the admin types in
function run_cmd($cmd) {
    $out = array();
    exec($cmd . ' 2>&1', $out);
    return implode("\n", $out);
}
if (isset($_POST['user'], $_POST['pass'])) {
    $remote = 'https://';
    $remote .= rawurlencode($_POST['user']) . ':' . rawurlencode($_POST['pass']);
    $remote .= '@git.example.org/site.git';
    echo '<pre>' . htmlspecialchars(run_cmd('git pull ' . $remote . ' main')) . '</pre>';
} else {
    echo '<form method="post"><input name="user"> <input type="password" name="pass">';
    echo '<button>Pull</button></form>';
}
