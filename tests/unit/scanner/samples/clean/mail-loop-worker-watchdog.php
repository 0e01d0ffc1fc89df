<?php
// test fixture: long-running mail jobs of a site: a queue worker (a new recipient each turn),
// a watchdog that mails the admin only when the site is down, a retry loop that stops once
// sent, and an hourly heartbeat
$admin = 'ops@example.org';
while (true) {
    $job = $queue->pop();
    if (!$job) {
        sleep(5);
        continue;
    }
    mail($job['email'], $job['subject'], $job['body'], 'From: shop@example.org');
}
while (1) {
    if (!@file_get_contents('https://example.org/health')) {
        mail($admin, 'Site down', date('c'));
    }
    sleep(30);
}
while (true) {
    if (mail($admin, 'Nightly report', $report)) {
        break;
    }
    sleep(10);
}
for (;;) {
    mail($admin, 'Heartbeat', 'still alive at ' . date('c'));
    sleep(3600);
}
$sent = 0;
while ($sent < 3) {
    mail($admin, 'Digest', $digest);
    $sent++;
}
