<?php
// A site loading its language file, config, template and cache through built paths.
$lang = 'en';
$dir = __DIR__ . '/lang/';
include $dir . $lang . '.php';
require_once dirname(__FILE__) . '/includes/' . 'config' . '.php';
include 'templates/' . 'header.phtml';
$tpl = 'notice.txt';
include __DIR__ . '/templates/' . $tpl;
$c = 'cache/' . md5('x') . '.php';
include $c;
