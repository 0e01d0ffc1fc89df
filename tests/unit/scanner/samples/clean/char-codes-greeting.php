<?php
// a greeting spelled from character codes (a puzzle page); the visitor's name is escaped
$hello = implode('', array_map('chr', [72, 101, 108, 108, 111]));
$who = htmlspecialchars($_GET['name'] ?? 'friend', ENT_QUOTES);
$fmt = 'sprintf';
echo $fmt('%s, %s!', $hello, $who);
