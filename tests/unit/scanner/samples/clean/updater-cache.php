<?php
// An updater: the release list is cached as JSON, the package is a zip unpacked by the
// installer, and the settings file is written from local data.
$list = file_get_contents('https://updates.example.org/releases.json');
file_put_contents(__DIR__ . '/cache/releases.json', $list);
copy('https://updates.example.org/plugin-2.1.zip', __DIR__ . '/cache/plugin-2.1.zip');
$settings = ['version' => '2.1', 'channel' => 'stable'];
file_put_contents(__DIR__ . '/settings.php', '<?php return ' . var_export($settings, true) . ';');
