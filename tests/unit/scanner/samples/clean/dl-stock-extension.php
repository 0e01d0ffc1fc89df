<?php
// an old installer: load the image extension where it is not enabled
if (!extension_loaded('gd') && function_exists('dl')) {
    @dl(PHP_SHLIB_SUFFIX === 'dll' ? 'php_gd2.dll' : 'gd.so');
}
echo extension_loaded('gd') ? 'gd ready' : 'install php-gd';
