<?php
// settings stored base64-encoded; the backup command comes from the configuration file
$settings = json_decode(base64_decode(get_option('backup_settings')), true);
$label = base64_decode('V2Vla2x5IGJhY2t1cA==');
exec($settings['command'], $out, $rc);
echo htmlspecialchars($label) . ': ' . ($rc === 0 ? 'ok' : 'failed');
