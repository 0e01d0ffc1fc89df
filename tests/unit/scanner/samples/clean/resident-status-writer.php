<?php
// a long-running queue worker started from cron: writes its status page and a cache file
ignore_user_abort(true);
set_time_limit(0);
$status = __DIR__ . '/status.php';
while (true) {
    $jobs = fetch_pending_jobs();
    foreach ($jobs as $job) { run_job($job); }
    $cache = '<?php return ' . var_export(array('done' => count($jobs), 'at' => time()), true) . ';';
    file_put_contents(__DIR__ . '/cache/stats.php', $cache);
    file_put_contents($status, '<?php $last_run = ' . time() . ';');
    file_put_contents(__DIR__ . '/heartbeat.txt', date('c'));
    sleep(30);
}
