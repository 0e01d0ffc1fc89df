<?php
// Queue worker: re-creates its control socket when it disappears, readable and writable
// by the web group, and locks the finished report once (not in a loop).
$sock = '/run/app/worker.sock';
$report = __DIR__ . '/reports/last.html';
chmod($report, 0444);
while (true) {
    if (!file_exists($sock)) {
        touch($sock);
        chmod($sock, 0660);
    }
    process_next_job();
    sleep(1);
}
