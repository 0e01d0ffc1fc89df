<?php
// a page cache that saves what it gathered when the request ends; the visitor's cookie
// only chooses a language, kept as a plain string
class Page_Cache {
    private $file;
    private $entries = array();
    public function __construct($file) { $this->file = $file; }
    public function set($k, $v) { $this->entries[$k] = $v; }
    public function __destruct() {
        file_put_contents($this->file, serialize($this->entries), LOCK_EX);
    }
}
$prefs = isset($_COOKIE['prefs']) ? unserialize($_COOKIE['prefs'], array('allowed_classes' => false)) : array();
$cache = new Page_Cache(__DIR__ . '/cache/page.ser');
$cache->set('lang', isset($prefs['lang']) ? (string) $prefs['lang'] : 'en');
