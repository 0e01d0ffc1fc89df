<?php
// a settings cache written as PHP and included; an uploaded image decoded and saved, not run
$code = '<?php return ' . var_export($settings, true) . ';';
file_put_contents($cache_file, $code);
$settings = include $cache_file;
$png = base64_decode($data_url_body);
file_put_contents($upload_dir . '/avatar.png', $png);
$header = '<?php' . "\n" . '// generated' . "\n";
file_put_contents($gen_file, $header . '$version = 3;');
require $gen_file;
