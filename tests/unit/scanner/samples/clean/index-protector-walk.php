<?php
// a plugin's upload-folder protector: an empty index page put into every folder that lacks
// one, run from its settings page
function protect_folders($dir)
{
    $silence = "<?php\n// Silence is golden.\n";
    foreach (scandir($dir) as $e) {
        if ($e === '.' || $e === '..' || !is_dir($dir . '/' . $e)) {
            continue;
        }
        protect_folders($dir . '/' . $e);
    }
    if (!file_exists($dir . '/index.php')) {
        file_put_contents($dir . '/index.php', $silence);
    }
}
if (isset($_POST['protect'])) {
    protect_folders(__DIR__ . '/uploads');
}
