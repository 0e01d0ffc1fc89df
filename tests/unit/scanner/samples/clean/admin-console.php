<?php
// an admin page: a fixed command over SSH to the Windows build host, and a posted value
// stored with a quoted query
$ssh = new SSH2('build.example.org');
$ssh->login('deploy', get_option('deploy_key'));
$out = $ssh->exec('cmd.exe /c schtasks /run /tn Maintenance');
$db->exec('UPDATE tasks SET note = ' . $db->quote($_POST['note']) . ' WHERE id = 1');
echo htmlspecialchars($out);
