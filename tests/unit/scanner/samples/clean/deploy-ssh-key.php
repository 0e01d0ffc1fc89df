<?php
// CLI deploy: log in with the deploy key, copy the build, tell the team's chat
$home = getenv('HOME');
$conn = ssh2_connect('build.example.org', 22);
ssh2_auth_pubkey_file($conn, 'deploy', $home . '/.ssh/id_ed25519.pub', $home . '/.ssh/id_ed25519');
ssh2_scp_send($conn, __DIR__ . '/build.tar.gz', '/srv/app/build.tar.gz');
$c = curl_init('https://chat.example.org/hooks/deploy');
curl_setopt($c, CURLOPT_POSTFIELDS, json_encode(array('text' => 'deployed')));
curl_exec($c);
