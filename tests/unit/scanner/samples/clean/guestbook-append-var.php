<?php
if (!empty($_POST['msg'])) {
    $msg = $_POST['msg'];
    $fp = fopen('guestbook.txt', 'a');
    fwrite($fp, date('c') . ' ' . $msg . "\n");
    fclose($fp);
}
echo nl2br(htmlspecialchars(file_get_contents('guestbook.txt')));
