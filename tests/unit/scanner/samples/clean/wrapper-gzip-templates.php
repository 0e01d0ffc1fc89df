<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
// a template engine keeps compiled templates gzip-compressed in its cache folder
final class TplStream
{
    public $context;
    private string $buf = '';
    private int $pos = 0;
    public function stream_open(string $path, string $mode, int $options, ?string &$opened): bool
    {
        $file = __DIR__ . '/cache/' . basename(substr($path, 6)) . '.gz';
        if (!is_file($file)) { return false; }
        $this->buf = (string) gzdecode((string) file_get_contents($file));
        return true;
    }
    public function stream_read(int $n): string { $r = substr($this->buf, $this->pos, $n); $this->pos += strlen($r); return $r; }
    public function stream_eof(): bool { return $this->pos >= strlen($this->buf); }
    public function stream_stat(): array { return []; }
}
stream_wrapper_register('tpl', TplStream::class);
$vars = ['title' => 'Home'];
foreach (['header', 'home', 'footer'] as $part) {
    include 'tpl://' . $part;
}
