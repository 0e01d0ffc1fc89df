<?php
// An installer saves its settings as a PHP array next to itself and reads them back; the
// shop logo, sent as base64 by the setup form, is decoded into an image that is only linked.
$cfg = ['db_host' => 'localhost', 'db_name' => 'shop', 'currency' => 'EUR'];
$file = 'settings' . '.php';
file_put_contents(dirname(__FILE__) . '/' . $file, '<?php return ' . var_export($cfg, true) . ';');
$settings = include dirname(__FILE__) . '/' . $file;
$logo = base64_decode((string) ($_POST['logo'] ?? ''));
file_put_contents(dirname(__FILE__) . '/img/' . 'logo.png', $logo);
echo '<img src="img/logo.png" alt="' . htmlspecialchars($settings['db_name']) . '">';
