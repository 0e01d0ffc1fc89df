<?php
// a factory: classes named from configuration or a fixed prefix plus a request word
$driver = $config['cache_driver'];
$cache = new $driver($config['cache_options']);
$class = 'App\\Handler\\' . ucfirst(preg_replace('/[^a-z]/', '', $_GET['type']));
$handler = new $class();
set_error_handler('app_error_handler');
ob_start('ob_gzhandler');
