<?php
// test fixture: one page copied to a uniqid() folder, then a Location header
$dst = md5(uniqid('', true));
mkdir($dst);
copy('template/login.html', $dst . '/index.html');
header('Location: ' . $dst . '/index.html');
exit;
