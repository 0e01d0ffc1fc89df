<?php
// deploy script: wait until the new release answers (at most a minute), then a worker
// that asks the job queue for work every few seconds
$deadline = time() + 60;
while (time() < $deadline) {
    $h = curl_init($argv[1] . '/health');
    curl_setopt($h, CURLOPT_RETURNTRANSFER, true);
    curl_exec($h);
    if (curl_getinfo($h, CURLINFO_HTTP_CODE) === 200) {
        break;
    }
    usleep(250000);
}
while (true) {
    $h = curl_init();
    curl_setopt($h, CURLOPT_URL, $queueUrl . '/next');
    curl_setopt($h, CURLOPT_RETURNTRANSFER, true);
    $job = curl_exec($h);
    if ($job) {
        handle_job(json_decode($job, true));
    }
    sleep(5);
}
