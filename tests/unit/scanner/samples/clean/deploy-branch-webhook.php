<?php
// GitLab webhook: deploys the pushed branch, only main or staging (checked against a list)
$token = 'Zx9c7Vb2Nm4Lk6Jh8Gf';
if (!isset($_SERVER['HTTP_X_GITLAB_TOKEN']) || $_SERVER['HTTP_X_GITLAB_TOKEN'] !== $token) {
    http_response_code(403);
    exit('forbidden');
}
$payload = json_decode(file_get_contents('php://input'), true);
$branch = str_replace('refs/heads/', '', $payload['ref']);
if (!in_array($branch, array('main', 'staging'))) {
    exit('ignored ' . $branch);
}
$dir = $branch === 'main' ? '/var/www/site' : '/var/www/staging';
$out = shell_exec("cd $dir && git fetch origin && git reset --hard origin/$branch 2>&1");
file_put_contents(__DIR__ . '/deploy.log', date('c') . " $branch\n$out\n", FILE_APPEND);
echo $out;
