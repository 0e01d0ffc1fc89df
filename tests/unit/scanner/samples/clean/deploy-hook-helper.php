<?php
// a deploy hook: the branch comes from a helper, checked against the script's own list
function input($key)
{
    return isset($_POST[$key]) ? $_POST[$key] : '';
}

$branch = input('branch');
if (!in_array($branch, array('main', 'staging'), true)) {
    http_response_code(400);
    exit('unknown branch');
}
$log = shell_exec('cd /srv/site && git fetch origin && git checkout ' . $branch . ' 2>&1');
echo nl2br(htmlspecialchars($log));
