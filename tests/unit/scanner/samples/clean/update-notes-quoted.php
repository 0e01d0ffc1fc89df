<?php
// an updater keeps the release notes it downloads as text, and the version in a PHP file
// that returns it (a string around the value, not the download alone)
$notes = file_get_contents('https://updates.example.org/notes.txt');
file_put_contents(__DIR__ . '/cache/notes.txt', "$notes");
$ver = trim(file_get_contents('https://updates.example.org/latest'));
if (preg_match('/^\d+\.\d+\.\d+$/', $ver)) {
    file_put_contents(__DIR__ . '/cache/latest.php', "<?php return '{$ver}';\n");
}
