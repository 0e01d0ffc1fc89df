<?php
// a mail run over a pool of SMTP servers: the server that refuses is dropped and the run
// goes on with the others (written for the tests, never run)
$smtp_pool = json_decode(file_get_contents('pool.json'), true);
$n = 0;
foreach (file('targets.txt') as $rcpt) {
    $i = $n++ % count($smtp_pool);
    $server = $smtp_pool[$i];
    if (!send_via($server, trim($rcpt), 'letter.html')) {
        unset($smtp_pool[$i]);
        $smtp_pool = array_values($smtp_pool);
    }
}
function send_via($s, $to, $letter) {
    $m = new Mailer($s['host'], $s['user'], $s['pass']);
    return $m->send($to, file_get_contents($letter));
}
