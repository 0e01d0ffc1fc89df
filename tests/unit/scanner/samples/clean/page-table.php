<?php
// Pages chosen from a fixed table by the posted name: the path never comes from the request.
$pages = ['home' => 'home.php', 'about' => 'about.php'];
$in = $_POST;
$name = isset($in['page'], $pages[$in['page']]) ? $in['page'] : 'home';
include __DIR__ . '/pages/' . $pages[$name];
