<?php
// system info page: which stream wrappers this PHP offers
$known = array('http://', 'ftp://', 'phar://', 'expect://', 'zip://');
foreach ($known as $w) {
    printf('<li>%s: %s</li>', $w, in_array(rtrim($w, ':/'), stream_get_wrappers()) ? 'yes' : 'no');
}
$readme = file_get_contents(__DIR__ . '/README.txt');
