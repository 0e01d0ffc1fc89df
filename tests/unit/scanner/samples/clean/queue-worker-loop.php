<?php
// worker.php, started by cron: sends queued mails until the queue is empty for a minute
ignore_user_abort(true);
set_time_limit(0);
$lock = __DIR__ . '/worker.lock';
if (file_exists($lock)) {
    exit;
}
touch($lock);
$idle = 0;
while (true) {
    $job = Queue::next();
    if ($job === null) {
        if (++$idle > 60) {
            break;
        }
        sleep(1);
        continue;
    }
    $idle = 0;
    $job->run();
}
unlink($lock);
