<?php
// spamtrace test sample: written for the scanner tests, never run (issue #17 obfuscation probes).
final class SmtpTransport
{
    private $sock;
    public function __construct(private string $host, private int $port = 587) {}
    public function send(string $from, string $to, string $data): void
    {
        $this->sock = stream_socket_client(sprintf('tcp://%s:%d', $this->host, $this->port), $en, $es, 10);
        foreach (["EHLO localhost", "STARTTLS"] as $l) { fwrite($this->sock, $l . "\r\n"); fgets($this->sock); }
        stream_socket_enable_crypto($this->sock, true, STREAM_CRYPTO_METHOD_TLS_CLIENT);
        foreach (["MAIL FROM:<$from>", "RCPT TO:<$to>", "DATA", $data, "."] as $l) { fwrite($this->sock, $l . "\r\n"); fgets($this->sock); }
    }
}
$t = new SmtpTransport('smtp.example.com');
$t->send('site@example.com', 'owner@example.com', 'Subject: contact' . "\r\n\r\n" . strip_tags($_POST['msg'] ?? ''));
