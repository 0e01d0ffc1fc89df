<?php
// Queue worker client: hands a job to the local PHP-FPM pool as a FastCGI request for a fixed script.
final class FcgiJob {
    private $sock;
    public function __construct(string $socketPath) {
        $this->sock = stream_socket_client('unix://' . $socketPath, $errno, $errstr, 3);
    }
    private function record(int $type, string $content): string {
        return pack('CCnnxx', 1, $type, 1, strlen($content), 0) . $content;
    }
    private function pair(string $n, string $v): string {
        return chr(strlen($n)) . chr(strlen($v)) . $n . $v;
    }
    public function run(string $payload): string {
        $params = $this->pair('SCRIPT_FILENAME', __DIR__ . '/worker.php') . $this->pair('REQUEST_METHOD', 'POST')
            . $this->pair('CONTENT_LENGTH', (string) strlen($payload)) . $this->pair('CONTENT_TYPE', 'application/json');
        fwrite($this->sock, $this->record(1, pack('nCxxxxx', 1, 0)) . $this->record(4, $params) . $this->record(4, '')
            . $this->record(5, $payload) . $this->record(5, ''));
        return (string) stream_get_contents($this->sock);
    }
}
