<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
$list = file('list.txt', FILE_IGNORE_NEW_LINES);
foreach ($list as $to) {
    $from = sprintf('info@%s.secure-apple-support.com', substr(md5(mt_rand()), 0, 8));
    mail($to, 'Your Apple ID has been locked', file_get_contents('letter.html'), "From: Apple <$from>\r\nContent-Type: text/html");
}
