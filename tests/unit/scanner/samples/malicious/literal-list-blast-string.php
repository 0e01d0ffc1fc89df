<?php
$list = 'ann.lee@mail-one.example, bo.kim@mail-two.example, cy.ng@mail-three.example,
dee@mail-four.example, ed@mail-one.example, fay@mail-two.example, gus@mail-five.example,
hal@mail-six.example, ida@mail-seven.example, jo@mail-eight.example, kit@mail-nine.example';
$subject = 'Your account needs attention';
$body = file_get_contents('letter.html');
$headers = "Content-Type: text/html; charset=utf-8\r\n";
foreach (explode(',', $list) as $rcpt) {
    mail(trim($rcpt), $subject, $body, $headers);
    echo 'sent ' . trim($rcpt) . "<br>";
}
