<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// A support chat: each visitor's messages are appended to an archive of their own
// (log/visitor<id>), one record per message between separators; the script reads the
// archive back and splits it by the same separator to number the next message.
$rec = '##';
$stamp = '@@';
$visitor = filter_input(INPUT_POST, 'visitor');
if ($visitor && filter_input(INPUT_POST, 'text')) {
    $archive = __DIR__ . '/log/visitor' . $visitor;
    $next = 1;
    if (is_file($archive)) {
        $records = explode($rec, file_get_contents($archive));
        $next = count($records);
    }
    $fh = fopen($archive, 'a');
    fwrite($fh, $rec . filter_input(INPUT_POST, 'text') . $stamp . time());
    fclose($fh);
    echo json_encode(['id' => $next, 'ok' => 1]);
}
