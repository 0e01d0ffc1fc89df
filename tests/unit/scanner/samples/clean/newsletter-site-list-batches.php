<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A club's newsletter, sent by a cron call to this page with its key: the letter is the issue
// the editors left in issues/latest.txt, the addresses come from the list the site keeps (one
// per line, filled by its sign-up form); sent in batches, each with its unsubscribe link.
if (!hash_equals('cron-key-change-me', (string) ($_GET['key'] ?? ''))) {
    http_response_code(403);
    exit;
}
$issue = file_get_contents(__DIR__ . '/issues/latest.txt');
[$subject, $letter] = explode("\n", $issue, 2);
$subscribers = file(__DIR__ . '/data/subscribers.txt', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES);
$sent = 0;
foreach (array_chunk($subscribers, 40) as $batch) {
    foreach ($batch as $address) {
        $stop = 'https://club.example.org/unsubscribe.php?a=' . urlencode($address);
        $headers = "From: Club news <news@club.example.org>\r\nList-Unsubscribe: <$stop>\r\n"
            . "Content-Type: text/plain; charset=utf-8\r\n";
        if (mail($address, trim($subject), $letter . "\n\nUnsubscribe: $stop", $headers)) {
            $sent++;
        }
    }
    sleep(1);
}
echo $sent . ' letters sent.';
