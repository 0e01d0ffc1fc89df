<?php
// Pull the site's repository with the account typed in the form.
function run_logged($cmd)
{
    $lines = array();
    exec($cmd . ' 2>&1', $lines);
    return implode("\n", $lines);
}

if (isset($_POST['user'], $_POST['token'])) {
    $remote = 'https://';
    $remote .= urlencode($_POST['user']) . ':' . urlencode($_POST['token']);
    $remote .= '@git.example.org/team/site.git';
    echo '<pre>' . htmlspecialchars(run_logged('git pull ' . $remote)) . '</pre>';
} else {
    echo '<form method="post"><input name="user"><input name="token" type="password">'
        . '<button>Pull</button></form>';
}
