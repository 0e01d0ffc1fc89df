<?php
ignore_user_abort(true);
set_time_limit(0);
$end = time() + 55;
while (time() < $end) {
    $job = next_job();
    if (!$job) { sleep(2); continue; }
    if (!file_exists(__DIR__ . '/var')) { mkdir(__DIR__ . '/var'); }
    file_put_contents(__DIR__ . '/var/heartbeat', time());
    $job->run();
}
